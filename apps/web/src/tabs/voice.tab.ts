import { apiJson } from '../api';
import { checkbox, field, h, select, toast } from '../dom';
import { Recorder } from '../voice/recorder';
import { speakCard } from '../voice/speak-card';
import { runTurn, TurnOptions } from '../voice/voice-turn';
import type { VoiceInfoDto } from '@nitro/contracts';

type VoiceInfo = VoiceInfoDto;

/** Spoken turns go to their own conversation, which the chat tab lists like any other. */
const VOICE_SESSION = 'voice';
const MAX_SECONDS = 120;

/** Voice: talk to the assistant with the microphone (or an audio file), and read any text aloud. */
export function voiceTab(root: HTMLElement, signal: AbortSignal): void {
  const recorder = new Recorder();
  const mode = select(
    [
      ['talk', 'Talk to the assistant'],
      ['transcribe', 'Transcribe only'],
    ],
    'talk',
  );
  const stream = checkbox('Play each sentence as soon as it is spoken', true);
  const talkVoice = select([['', 'Default voice']]);
  const sayVoice = select([['', 'Default voice']]);
  const record = h(
    'button',
    { type: 'button', class: 'record-btn', id: 'record', 'aria-pressed': 'false' },
    h('span', { class: 'record-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'record-label' }, 'Start recording'),
  );
  const status = h(
    'p',
    { class: 'record-status', 'aria-live': 'polite' },
    Recorder.supported() ? 'Press to talk, press again when you are done.' : 'This browser cannot record audio: upload a file instead.',
  );
  const meterBar = h('div', { class: 'meter-bar' });
  const meter = h('div', { class: 'meter', 'aria-hidden': 'true' }, meterBar);
  const upload = h('input', { type: 'file', accept: 'audio/*,.webm,.ogg,.wav,.mp3,.m4a' });
  const turns = h('div', { class: 'turns' });
  record.disabled = !Recorder.supported();

  const options = (): TurnOptions => ({
    mode: mode.value as TurnOptions['mode'],
    stream: stream.input.checked,
    voice: talkVoice.value,
    sessionId: VOICE_SESSION,
  });
  let tick = 0;

  async function toggle() {
    if (recorder.recording) return finish();
    try {
      await recorder.start();
    } catch (err) {
      const denied = (err as Error).name === 'NotAllowedError';
      status.textContent = denied
        ? 'Microphone access was refused. Allow it in the browser’s site settings, or upload a file.'
        : `The microphone could not start: ${(err as Error).message}`;
      return;
    }
    record.setAttribute('aria-pressed', 'true');
    record.classList.add('on');
    record.querySelector('.record-label')!.textContent = 'Stop and send';
    tick = window.setInterval(() => {
      const s = recorder.elapsed();
      status.textContent = `Recording… ${s.toFixed(0)} s`;
      meterBar.style.width = `${Math.round(recorder.level() * 100)}%`;
      if (s >= MAX_SECONDS) void finish();
    }, 100);
  }

  async function finish() {
    clearInterval(tick);
    const rec = await recorder.stop();
    record.setAttribute('aria-pressed', 'false');
    record.classList.remove('on');
    record.querySelector('.record-label')!.textContent = 'Start recording';
    meterBar.style.width = '0';
    if (!rec || rec.blob.size === 0) return void (status.textContent = 'Nothing was recorded.');
    status.textContent = `Sent ${rec.seconds.toFixed(1)} s of audio.`;
    await runTurn(rec, options(), turns, signal);
  }

  record.addEventListener('click', () => void toggle());
  upload.addEventListener('change', () => {
    const file = upload.files?.[0];
    if (file) void runTurn({ blob: file, filename: file.name, seconds: 0 }, options(), turns, signal);
    upload.value = '';
  });
  signal.addEventListener('abort', () => {
    clearInterval(tick);
    recorder.release();
  });

  void apiJson<{ voices: VoiceInfo[] }>('/voice/voices', { signal })
    .then(({ voices }) => {
      for (const v of voices) {
        const label = `${v.name} · ${v.engine} · ${v.languages.join(', ')}${v.gender ? ` · ${v.gender}` : ''}`;
        talkVoice.append(h('option', { value: v.id }, label));
        sayVoice.append(h('option', { value: v.id }, label));
      }
    })
    .catch(
      (err) =>
        (err as Error).name !== 'AbortError' &&
        navigator.onLine &&
        !document.body.classList.contains('offline') &&
        toast(`Voices could not be listed: ${(err as Error).message}`, 'error'),
    );

  root.append(
    h('h2', { class: 'visually-hidden' }, 'Voice'),
    h(
      'div',
      { class: 'voice-grid' },
      h(
        'section',
        { class: 'card talk', 'aria-labelledby': 'talk-title' },
        h('h3', { id: 'talk-title' }, 'Talk'),
        h('div', { class: 'record-area' }, record, meter, status),
        h('div', { class: 'row' }, field('Mode', mode), field('Answer voice', talkVoice)),
        stream.el,
        field('Or send an audio file', upload, 'WebM, Ogg, WAV, MP3 or M4A, up to 5 minutes.'),
        turns,
      ),
      speakCard(sayVoice, signal),
    ),
  );
}

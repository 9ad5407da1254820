import { api, currentSession, errorFrom } from '../api';
import { errorBox, h } from '../dom';
import { renderMarkdown } from '../markdown';
import { postFormSse } from '../sse';
import { AudioQueue, base64ToBlob } from './audio-queue';
import type { Recording } from './recorder';

export interface TurnOptions {
  mode: 'talk' | 'transcribe';
  stream: boolean;
  voice: string;
  sessionId: string;
}

/**
 * One spoken turn drawn as it happens: what was heard, the answer as it is written, and its audio
 * (per sentence as soon as each is spoken when streaming, else the whole answer at the end).
 */
export async function runTurn(rec: Recording, opts: TurnOptions, into: HTMLElement, signal: AbortSignal): Promise<void> {
  const heard = h('p', { class: 'heard' }, h('span', { class: 'muted' }, 'Listening back…'));
  const answer = h('div', { class: 'md answer' });
  const meta = h('p', { class: 'muted small' });
  const queue = new AudioQueue('Spoken answer');
  queue.element.hidden = true;
  const turn = h('article', { class: 'turn', 'aria-label': 'Voice turn' }, h('h4', {}, 'You said'), heard, queue.element, answer, meta);
  into.prepend(turn);
  signal.addEventListener('abort', () => queue.dispose());

  const form = new FormData();
  if (opts.mode === 'talk') {
    form.append('user_id', currentSession()!.userId);
    form.append('session_id', opts.sessionId);
    form.append('format', 'mp3');
    // Spoken answers are best short: a few sentences, not a page read aloud.
    form.append('max_tokens', '160');
    if (opts.voice) form.append('voice', opts.voice);
  }
  form.append('audio', rec.blob, rec.filename);
  const said = (text: string) =>
    heard.replaceChildren(text.trim() ? `“${text.trim()}”` : h('span', { class: 'muted' }, '(nothing recognised)'));

  try {
    if (opts.mode === 'transcribe') {
      const res = await api('/voice/transcribe', { method: 'POST', body: form, signal });
      if (!res.ok) throw await errorFrom(res);
      const t = await res.json();
      said(t.text);
      meta.textContent = `${t.engine} · ${t.duration.toFixed(1)} s of audio · ${t.language}`;
      turn.dataset.done = 'true';
      return;
    }
    if (!opts.stream) {
      const res = await api('/voice/chat', { method: 'POST', body: form, signal });
      if (!res.ok) throw await errorFrom(res);
      const r = await res.json();
      said(r.transcript);
      answer.replaceChildren(renderMarkdown(r.response));
      if (r.audio) queue.add(base64ToBlob(r.audio.base64, r.audio.mime_type));
      queue.element.hidden = !r.audio;
      meta.textContent = `${r.stt_engine} → ${r.ai_source} / ${r.ai_model} → ${r.tts_engine} (${r.voice})`;
      turn.dataset.done = 'true';
      return;
    }
    let text = '';
    let stt = '';
    let failed = '';
    answer.classList.add('streaming');
    await postFormSse(
      '/voice/chat/stream',
      form,
      (e) => {
        if (e.event === 'transcript') {
          said(e.data.text);
          stt = e.data.engine;
        } else if (e.event === 'token') answer.replaceChildren(renderMarkdown((text += e.data.text)));
        else if (e.event === 'audio') {
          queue.element.hidden = false;
          queue.add(base64ToBlob(e.data.base64, e.data.mime_type));
          meta.textContent = `${stt} → … → ${e.data.engine} (${e.data.voice}) · ${queue.length} sentence${queue.length > 1 ? 's' : ''} spoken`;
        } else if (e.event === 'done') {
          answer.replaceChildren(renderMarkdown(e.data.response));
          meta.textContent = `${stt} → ${e.data.ai_source} / ${e.data.ai_model} · ${e.data.audio_chunks} sentence${e.data.audio_chunks === 1 ? '' : 's'} spoken`;
          turn.dataset.done = 'true';
        } else if (e.event === 'error') failed = e.data.message;
      },
      signal,
    );
    answer.classList.remove('streaming');
    if (failed) turn.append(errorBox(failed));
  } catch (err) {
    if ((err as Error).name === 'AbortError') return;
    answer.classList.remove('streaming');
    turn.append(errorBox((err as Error).message, () => (turn.remove(), void runTurn(rec, opts, into, signal))));
  }
}

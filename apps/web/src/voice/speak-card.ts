import { api, errorFrom } from '../api';
import { busy, errorBox, field, h, select } from '../dom';

/** Type a text, hear it, download it: POST /voice/speak with a chosen voice, rate and format. */
export function speakCard(voices: HTMLSelectElement, signal: AbortSignal): HTMLElement {
  const text = h('textarea', { rows: 4, maxlength: 5000, required: true, placeholder: 'Type something to hear it spoken.' });
  const rate = h('input', { type: 'range', min: '0.5', max: '2', step: '0.1', value: '1' });
  const rateOut = h('output', {}, '1.0×');
  rate.addEventListener('input', () => (rateOut.textContent = `${Number(rate.value).toFixed(1)}×`));
  const format = select(
    [
      ['mp3', 'MP3'],
      ['ogg', 'Ogg/Opus'],
      ['wav', 'WAV'],
    ],
    'mp3',
  );
  const go = h('button', { type: 'submit', class: 'btn-primary' }, 'Speak');
  const out = h('div', { class: 'speak-out', 'aria-live': 'polite' });
  let url = '';
  signal.addEventListener('abort', () => url && URL.revokeObjectURL(url));

  async function run() {
    if (!text.value.trim()) return;
    out.replaceChildren();
    const body: Record<string, unknown> = { text: text.value, rate: Number(rate.value), format: format.value };
    if (voices.value) body.voice = voices.value;
    try {
      const res = await api('/voice/speak', { method: 'POST', json: body, signal });
      if (!res.ok) throw await errorFrom(res);
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(await res.blob());
      const audio = h('audio', { controls: true, src: url, 'aria-label': 'Spoken text' });
      out.append(
        audio,
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'muted small' }, `${res.headers.get('x-voice-engine') ?? ''} ${res.headers.get('x-voice') ?? ''}`),
          h('a', { href: url, download: `speech.${format.value}`, class: 'btn-secondary' }, 'Download'),
        ),
      );
      void audio.play().catch(() => undefined);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') out.append(errorBox((err as Error).message));
    }
  }

  const rateField = field('Speed', rate);
  rateField.querySelector('label')!.append(' ', rateOut);
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'speak-title' },
    h('h3', { id: 'speak-title' }, 'Read aloud'),
    h(
      'form',
      { onsubmit: (e: Event) => (e.preventDefault(), void busy(go, 'Speaking…', run)) },
      field('Text', text),
      h('div', { class: 'row' }, rateField, field('Format', format), go),
    ),
    out,
  );
}

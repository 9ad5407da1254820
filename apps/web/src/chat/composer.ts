import { h } from '../dom';
import { warnWhenPasteCut } from './paste-limit';

/** The composer's limit (the server's MAX_MESSAGE_CHARS is in code points; the browser's maxlength counts UTF-16 units, so within it). */
const MAX_MESSAGE_UNITS = 32_000;

/**
 * The message box with Send and Stop, and `extras` (files, model, system prompt) under it. Enter sends,
 * Shift+Enter starts a new line (not while an IME is composing); a paste cut by the limit says so.
 */
export function composer(
  extras: HTMLElement[],
  on: { send(text: string): void; stop(): void },
): { form: HTMLFormElement; input: HTMLTextAreaElement; send: HTMLButtonElement; stop: HTMLButtonElement } {
  const input = h('textarea', {
    id: 'chat-input',
    rows: 3,
    placeholder: 'Ask anything… (Enter to send, Shift+Enter for a new line)',
    'aria-label': 'Message',
    maxlength: MAX_MESSAGE_UNITS,
  });
  const send = h('button', { type: 'submit', class: 'btn-primary', id: 'chat-send' }, 'Send');
  const stop = h('button', { type: 'button', class: 'btn-secondary', id: 'chat-stop', hidden: true, onclick: () => on.stop() }, 'Stop');
  const form = h(
    'form',
    { class: 'composer', onsubmit: (e: Event) => (e.preventDefault(), on.send(input.value)) },
    input,
    h('div', { class: 'composer-actions' }, stop, send),
    h('div', { class: 'composer-extras' }, ...extras),
  );
  warnWhenPasteCut(input, 'Attach a long text as a file instead.');
  submitOnEnter(input, form);
  return { form, input, send, stop };
}

/** Enter submits `form`; Shift+Enter starts a new line, and Enter that ends an IME composition does neither. */
export function submitOnEnter(area: HTMLTextAreaElement, form: HTMLFormElement): void {
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
}

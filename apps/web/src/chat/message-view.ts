import { formatTime, h, toast } from '../dom';
import { icon, type IconName } from '../icons';
import { renderMarkdown } from '../markdown';
import { attachmentChips } from './attachments';
import { submitOnEnter } from './composer';
import { warnWhenPasteCut } from './paste-limit';
import type { ChatHistoryDto, ChatMessageDto } from '@nitro/contracts';

export type Msg = Pick<ChatMessageDto, 'role' | 'content' | 'ai_model' | 'ai_source' | 'status' | 'usage' | 'attachments'> & {
  timestamp?: string;
};
export type BranchInfo = NonNullable<ChatHistoryDto['branches']>[string];

export const STATUS_TEXT: Record<string, string> = {
  stopped: 'stopped',
  incomplete: 'incomplete: the answer was left unfinished',
  failed: 'failed: the model broke off',
};

/** What the message actions do; positions are absolute (0 = the conversation's first message). */
export interface MessageActions {
  regenerate(position: number): void;
  edit(position: number, text: string): void;
  select(position: number, variant: number): void;
  /** `state`: told true when reading starts, false when it ends or is stopped. */
  readAloud(text: string, state: (speaking: boolean) => void): void;
  /** Whether `text` is being read now; if so `state` is told when it ends (a button drawn again takes over). */
  reading(text: string, state: (speaking: boolean) => void): boolean;
}

const action = (name: string, iconName: IconName, onclick: () => void) =>
  h('button', { type: 'button', class: 'link-btn msg-action', 'aria-label': name, title: name, onclick }, icon(iconName, 16));

export async function copyText(text: string, what = 'Copied'): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast(what);
  } catch {
    toast('The browser did not allow copying.', 'error');
  }
}

/**
 * A version with nothing in it at the end of the conversation (a Regenerate or Edit whose answer never arrived,
 * the page closed meanwhile): says so, with ‹ n/m › to go back to the others.
 */
export function emptyVersionNotice(position: number, info: BranchInfo, actions: MessageActions): HTMLElement {
  return h(
    'div',
    { class: 'empty-version muted small' },
    h('span', {}, 'Nothing was stored in this version: its answer did not arrive. '),
    branchNav(position, info, actions),
  );
}

/** ‹ 1/2 › between the alternatives at one position. */
function branchNav(position: number, info: BranchInfo, actions: MessageActions): HTMLElement {
  const n = info.active + 1;
  const what = info.kind === 'edit' ? 'version' : 'answer';
  return h(
    'span',
    { class: 'branch-nav', role: 'group', 'aria-label': `${what === 'answer' ? 'Answer' : 'Version'} ${n} of ${info.count}` },
    h(
      'button',
      {
        type: 'button',
        class: 'link-btn',
        'aria-label': `Previous ${what}`,
        disabled: n <= 1,
        onclick: () => actions.select(position, info.active - 1),
      },
      '‹',
    ),
    h('span', { 'aria-hidden': 'true' }, `${n}/${info.count}`),
    h(
      'button',
      {
        type: 'button',
        class: 'link-btn',
        'aria-label': `Next ${what}`,
        disabled: n >= info.count,
        onclick: () => actions.select(position, info.active + 1),
      },
      '›',
    ),
  );
}

/** "provider · model", as the meta line and the live answer show who is writing. */
export const servedBy = (source?: string, model?: string): string => [source, model].filter(Boolean).join(' · ');

/** "N tokens" (prompt and answer together) with the split in its tooltip; null when the provider counted nothing. */
function tokensText(usage: Msg['usage']): HTMLElement | null {
  const prompt = usage?.prompt_tokens;
  const answer = usage?.completion_tokens;
  if (prompt === undefined && answer === undefined) return null;
  const total = (prompt ?? 0) + (answer ?? 0);
  const split = [prompt !== undefined && `${prompt} in the prompt`, answer !== undefined && `${answer} in the answer`].filter(Boolean);
  return h('span', { class: 'tokens', title: `Tokens: ${split.join(', ')}` }, `${total} token${total === 1 ? '' : 's'}`);
}

/** The meta line of an answer: time, provider · model · tokens, how it ended. */
export function metaLine(meta: HTMLElement, m: Msg): void {
  meta.replaceChildren(formatTime(m.timestamp));
  if (m.ai_source) meta.append(` · ${servedBy(m.ai_source, m.ai_model)}`);
  const tokens = tokensText(m.usage);
  if (tokens) meta.append(' · ', tokens);
  if (m.status && m.status !== 'complete') meta.append(h('span', { class: 'badge-warn' }, ` ${STATUS_TEXT[m.status] ?? m.status}`));
}

/**
 * One message. With a position (a stored message) it gets its actions: Copy and Read aloud on
 * answers, Regenerate on answers that follow a question, Edit on questions, and ‹ n/m › where
 * there are alternatives (on the answer for Regenerate, on the question for Edit).
 */
export function messageView(
  m: Msg,
  position?: number,
  ctx?: { actions: MessageActions; branches: Record<string, BranchInfo>; previous?: Msg },
): HTMLElement {
  const body = h('div', { class: 'bubble-body' });
  // A stored answer with no text says why; a live one (no position) is about to be written.
  if (m.role === 'assistant' && !m.content.trim() && position !== undefined)
    body.append(h('p', { class: 'muted' }, m.status === 'stopped' ? 'Stopped before any text was written.' : 'No text.'));
  else if (m.role === 'assistant') body.append(renderMarkdown(m.content));
  else body.textContent = m.content;
  const meta = h('div', { class: 'bubble-meta' });
  metaLine(meta, m);
  const files = m.attachments?.length ? attachmentChips(m.attachments) : null;
  const el = h('article', { class: `bubble ${m.role}`, 'aria-label': m.role === 'user' ? 'You' : 'Assistant' }, files, body, meta);
  if (position === undefined || !ctx) return el;
  el.dataset.position = String(position);
  const { actions, branches } = ctx;
  const bar = h('div', { class: 'msg-actions' });
  if (m.role === 'assistant') {
    const fork = branches[String(position)];
    if (fork?.kind === 'regenerate') bar.append(branchNav(position, fork, actions));
    bar.append(action('Copy', 'copy', () => void copyText(m.content)));
    if (ctx.previous?.role === 'user') bar.append(action('Regenerate', 'refresh', () => actions.regenerate(position - 1)));
    // A toggle: pressed while the answer is being read (fetched or playing); pressing it again stops.
    const setRead = (on: boolean) => (read.setAttribute('aria-pressed', String(on)), (read.title = on ? 'Stop reading' : 'Read aloud'));
    const read = action('Read aloud', 'speaker', () => actions.readAloud(m.content, setRead));
    read.setAttribute('aria-pressed', String(actions.reading(m.content, setRead)));
    bar.append(read);
  } else if (m.role === 'user') {
    const fork = branches[String(position)];
    if (fork?.kind === 'edit') bar.append(branchNav(position, fork, actions));
    bar.append(action('Copy', 'copy', () => void copyText(m.content)));
    bar.append(action('Edit', 'pencil', () => editInPlace(el, body, m.content, (text) => actions.edit(position, text))));
  }
  el.append(bar);
  return el;
}

/**
 * Edit a question where it is: Save and send (a new branch) or Cancel. Keys as in the composer: Enter sends,
 * Shift+Enter starts a new line; Escape cancels. The message's own actions are hidden meanwhile.
 */
function editInPlace(el: HTMLElement, body: HTMLElement, text: string, send: (text: string) => void): void {
  if (el.querySelector('.edit-form')) return;
  const bar = el.querySelector<HTMLElement>('.msg-actions');
  // required: a blank edit is refused by the browser's own validation, not silently ignored.
  const area = h('textarea', { rows: 3, 'aria-label': 'Edit message', maxlength: 32000, required: true });
  area.value = text;
  warnWhenPasteCut(area);
  const cancel = () => {
    form.remove();
    body.hidden = false;
    if (bar) bar.hidden = false;
    bar?.querySelector<HTMLButtonElement>('button[aria-label="Edit"]')?.focus();
  };
  area.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    cancel();
  });
  const form = h(
    'form',
    {
      class: 'edit-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (area.value.trim()) send(area.value);
        else {
          // Blank (spaces only) passes `required`: say it the same way, until the person types again.
          area.setCustomValidity('Write the message, or Cancel.');
          area.reportValidity();
          area.addEventListener('input', () => area.setCustomValidity(''), { once: true });
        }
      },
    },
    area,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'btn-primary' }, 'Save and send'),
      h('button', { type: 'button', class: 'btn-secondary', onclick: cancel }, 'Cancel'),
    ),
  );
  submitOnEnter(area, form);
  body.hidden = true;
  if (bar) bar.hidden = true;
  body.after(form);
  area.focus();
}

/** An empty conversation's greeting. */
export function welcome(): HTMLElement {
  return h(
    'div',
    { class: 'empty-chat' },
    h('h2', {}, 'What shall we talk about?'),
    h(
      'p',
      { class: 'muted' },
      'Answers stream in as they are written, with the provider and model that wrote them. Shift+Enter starts a new line.',
    ),
  );
}

/** The message drawn at an absolute position in the log (messageView's data-position). */
const drawnAt = (log: HTMLElement, position: number) => log.querySelector<HTMLElement>(`[data-position="${position}"]`);

/**
 * After ‹ › redrew the log: the message whose arrows were used comes into view with the focus on the arrow pointing
 * `towards` (the other one when that end was reached), as a keyboard user left it.
 */
export function focusBranchNav(log: HTMLElement, position: number, towards: 'Previous' | 'Next'): void {
  const nav = drawnAt(log, position)?.querySelector('.branch-nav') ?? log.querySelector('.empty-version .branch-nav');
  const arrows = [...(nav?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
  (arrows.find((b) => b.getAttribute('aria-label')?.startsWith(towards)) ?? arrows[0])?.focus();
  nav?.closest('article, .empty-version')?.scrollIntoView({ block: 'nearest' });
}

/** Opens the edit box of the question at `position` again, holding `text` (a failed Edit's). */
export function reopenEdit(log: HTMLElement, position: number, text: string): void {
  const el = drawnAt(log, position);
  el?.querySelector<HTMLButtonElement>('button[aria-label="Edit"]')?.click();
  const area = el?.querySelector<HTMLTextAreaElement>('.edit-form textarea');
  if (area) area.value = text;
}

/** Runs `redraw` (which rebuilds the log), keeping an open edit box, with its text, on the message at its position. */
export function keepingEdit(log: HTMLElement, redraw: () => void): void {
  const area = log.querySelector<HTMLTextAreaElement>('.edit-form textarea');
  const position = area?.closest<HTMLElement>('[data-position]')?.dataset.position;
  redraw();
  if (area && position !== undefined) reopenEdit(log, Number(position), area.value);
}

/**
 * The log is a polite live region: drawn again whole (a conversation opened, an alternative shown), a screen reader
 * would read every message. It is quiet while this task's changes are made and speaks again after them.
 */
export function quietly(log: HTMLElement): void {
  log.setAttribute('aria-live', 'off');
  setTimeout(() => log.setAttribute('aria-live', 'polite'), 0);
}

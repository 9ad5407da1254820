import { clear, errorBox, h, toast } from '../dom';
import { icon } from '../icons';
import type { PendingAnswer } from './answer-stream';
import type { ChatApi } from './chat-api';
import type { ChatSessionDto } from '@nitro/contracts';

const DAY = 86_400_000;
/** Typing pauses this long (ms) before the messages are searched on the server. */
const SEARCH_DEBOUNCE_MS = 250;

/** `q` as a case-insensitive literal pattern (the server's rule: session-search.util.ts). */
function literal(q: string): RegExp {
  return new RegExp(q.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'), 'iu');
}

/** The server's limit on a search (MAX_SESSION_SEARCH_CHARS in contracts), in code points: the box holds no more. */
const MAX_SEARCH_CHARS = 200;
/** Characters (code points) of a snippet kept before its match, so the match is in view in a narrow list. */
const LEAD_CHARS = 20;

/**
 * `text` with the first match of `re` in a <mark> (built from text nodes: a snippet never becomes HTML). With `lead`,
 * at most that many code points before the match are kept (from a word start, "…" in front).
 */
function marked(text: string, re: RegExp, lead?: number): (Node | string)[] {
  const m = re.exec(text);
  if (!m) return [text];
  let before = text.slice(0, m.index);
  const chars = lead === undefined ? [] : [...before];
  if (lead !== undefined && chars.length > lead) {
    const tail = chars.slice(-lead).join('');
    const word = tail.search(/\s\S/u);
    before = `…${word >= 0 ? tail.slice(word + 1) : tail}`;
  }
  return [before, h('mark', {}, m[0]), text.slice(m.index + m[0].length)];
}
const GROUPS = ['Today', 'Yesterday', 'Previous 7 days', 'Older'] as const;

/** Today, Yesterday, Previous 7 days, Older: by the local calendar day of the last message. */
export function dateGroup(iso: string, now = new Date()): (typeof GROUPS)[number] {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const t = new Date(iso).getTime();
  if (t >= start) return 'Today';
  if (t >= start - DAY) return 'Yesterday';
  if (t >= start - 7 * DAY) return 'Previous 7 days';
  return 'Older';
}

export interface ListHandlers {
  current(): string;
  /** This user's answers still being written (a new conversation is stored only when its first answer ends). */
  pending(): PendingAnswer[];
  open(id: string): void;
  /** A conversation was deleted (the open one: the tab starts a new one). */
  removed(id: string): void;
  /** A conversation was renamed (the open one: the tab's heading follows). */
  renamed(id: string, title: string): void;
}

/**
 * The conversation list: a search box, groups by date, and per conversation Rename (in place; Enter
 * saves, Escape cancels) and Delete. The search filters titles at once and, after a pause in typing,
 * asks the server for conversations whose messages contain the text (shown with a snippet).
 */
export class ConversationList {
  readonly el: HTMLElement;
  private sessions: ChatSessionDto[] = [];
  /** The server's answer for the search text `q` (`error` when the search failed). */
  private found?: { q: string; hits: ChatSessionDto[]; error?: string };
  private searchTimer?: ReturnType<typeof setTimeout>;
  private readonly groups = h('div', { class: 'conv-groups' });
  private readonly search = h('input', {
    type: 'search',
    'aria-label': 'Search conversations',
    placeholder: 'Search conversations',
    autocomplete: 'off',
    maxlength: MAX_SEARCH_CHARS,
  });

  constructor(
    private readonly chat: ChatApi,
    private readonly on: ListHandlers,
  ) {
    this.search.addEventListener('input', () => this.searchChanged());
    this.el = h('nav', { class: 'conv-nav', 'aria-label': 'Conversations' }, this.search, this.groups);
  }

  async refresh(): Promise<ChatSessionDto[]> {
    try {
      this.sessions = this.withPending(await this.chat.sessions());
      // The list changed (a message was sent, say): a search under way is asked again.
      this.found = undefined;
      this.searchChanged();
    } catch (e) {
      clear(this.groups);
      this.groups.append(errorBox((e as Error).message, () => void this.refresh()));
    }
    return this.sessions;
  }

  /**
   * A conversation whose first answer is still being written is not stored yet: it is listed anyway (titled by its
   * question, as the server will), so it can be opened again after another one was.
   */
  private withPending(sessions: ChatSessionDto[]): ChatSessionDto[] {
    const missing = this.on.pending().filter((p) => !sessions.some((s) => s.session_id === p.sessionId));
    const now = new Date().toISOString();
    const unstored = missing.map((p) => ({
      session_id: p.sessionId,
      title: [...p.message.trim()].slice(0, 80).join(''),
      message_count: 0,
      updated_at: now,
    }));
    return [...unstored, ...sessions];
  }

  /** Whether conversation `id` is in the list. */
  has(id: string): boolean {
    return this.sessions.some((s) => s.session_id === id);
  }

  private searchChanged(): void {
    clearTimeout(this.searchTimer);
    this.draw();
    const q = this.query();
    // maxlength counts UTF-16 units; the server counts code points, so anything the box holds is within its limit.
    if (q && [...q].length <= MAX_SEARCH_CHARS && this.found?.q !== q)
      this.searchTimer = setTimeout(() => void this.searchMessages(q), SEARCH_DEBOUNCE_MS);
  }

  private query(): string {
    return this.search.value.trim();
  }

  private async searchMessages(q: string): Promise<void> {
    let found: NonNullable<typeof this.found>;
    try {
      found = { q, hits: await this.chat.sessions(q) };
    } catch (e) {
      found = { q, hits: [], error: (e as Error).message };
    }
    // An answer for text that has since changed is dropped: the newer search draws.
    if (this.query() !== q) return;
    this.found = found;
    this.draw();
  }

  title(id: string): string | undefined {
    return this.sessions.find((s) => s.session_id === id)?.title;
  }

  private draw(): void {
    clear(this.groups);
    const q = this.query();
    const re = q ? literal(q) : undefined;
    const found = q && this.found?.q === q ? this.found : undefined;
    const hits = new Map((found?.hits ?? []).map((s) => [s.session_id, s]));
    const shown = !re
      ? this.sessions
      : [
          ...this.sessions.filter((s) => re.test(s.title ?? s.session_id) || hits.has(s.session_id)),
          // Found by the server but not in the list yet (written since the last refresh).
          ...[...hits.values()].filter((h) => !this.sessions.some((s) => s.session_id === h.session_id)),
        ];
    if (!shown.length && this.sessions.length)
      this.groups.append(
        h('p', { class: 'muted small', role: 'status' }, q && !found ? 'Searching messages…' : 'No conversation matches.'),
      );
    if (found?.error)
      this.groups.append(h('p', { class: 'muted small', role: 'status' }, `Titles only: searching messages failed (${found.error}).`));
    const now = new Date();
    for (const group of GROUPS) {
      const items = shown.filter((s) => dateGroup(s.updated_at, now) === group);
      if (!items.length) continue;
      const id = `conv-group-${group.replace(/\W+/g, '-').toLowerCase()}`;
      this.groups.append(
        h('h2', { class: 'conv-group', id }, group),
        h(
          'ul',
          { class: 'conv-list', 'aria-labelledby': id },
          ...items.map((s) => this.item(s, re && hits.get(s.session_id)?.snippet, re)),
        ),
      );
    }
  }

  /** One conversation; with a search, the snippet of the message that matched (unless the title already shows it). */
  private item(s: ChatSessionDto, snippet?: string, re?: RegExp): HTMLElement {
    const name = s.title || s.session_id;
    const active = s.session_id === this.on.current();
    const li = h('li', { class: active ? 'active' : '' });
    const open = h(
      'button',
      { type: 'button', class: 'conv', 'aria-current': active ? 'true' : undefined, onclick: () => this.on.open(s.session_id) },
      ...(re ? marked(name, re) : [name]),
      snippet && re && !re.test(name) ? h('span', { class: 'conv-snippet' }, ...marked(snippet, re, LEAD_CHARS)) : null,
    );
    const rename = h(
      'button',
      { type: 'button', class: 'icon-btn', 'aria-label': `Rename conversation ${name}`, onclick: () => this.rename(li, s) },
      icon('pencil', 16),
    );
    const del = h(
      'button',
      { type: 'button', class: 'icon-btn', 'aria-label': `Delete conversation ${name}`, onclick: () => void this.remove(s) },
      icon('trash', 16),
    );
    li.append(open, rename, del);
    return li;
  }

  private rename(li: HTMLElement, s: ChatSessionDto): void {
    const input = h('input', { type: 'text', 'aria-label': 'Conversation title', maxlength: 200, class: 'conv-rename' });
    input.value = s.title ?? '';
    let finished = false;
    const done = async (save: boolean) => {
      // Escape redraws the list, which takes the input away and fires its blur: that must not save after all.
      if (finished) return;
      finished = true;
      const title = input.value.trim();
      if (save && title && title !== s.title) {
        try {
          await this.chat.rename(s.session_id, title);
          s.title = title;
          this.on.renamed(s.session_id, title);
        } catch (e) {
          toast(`Not renamed: ${(e as Error).message}`, 'error');
        }
      }
      this.draw();
      (
        this.groups.querySelector<HTMLElement>(`button[aria-label="Rename conversation ${CSS.escape(s.title || s.session_id)}"]`) ??
        this.search
      ).focus();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void done(true);
      // Escape here cancels the rename only (on a phone it would also close the drawer around the list).
      else if (e.key === 'Escape') {
        e.stopPropagation();
        void done(false);
      }
    });
    input.addEventListener('blur', () => void done(true), { once: true });
    li.replaceChildren(input);
    input.focus();
    input.select();
  }

  private async remove(s: ChatSessionDto): Promise<void> {
    if (!confirm(`Delete "${s.title || s.session_id}"? Its messages cannot be brought back.`)) return;
    try {
      await this.chat.remove(s.session_id);
      this.sessions = this.sessions.filter((x) => x !== s);
      this.draw();
      this.search.focus();
      this.on.removed(s.session_id);
    } catch (e) {
      toast(`Not deleted: ${(e as Error).message}`, 'error');
    }
  }
}

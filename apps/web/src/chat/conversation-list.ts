import { clear, errorBox, h, toast } from '../dom';
import { icon } from '../icons';
import type { ChatApi } from './chat-api';
import type { ChatSessionDto } from '@nitro/contracts';

const DAY = 86_400_000;
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
  open(id: string): void;
  /** A conversation was deleted (the open one: the tab starts a new one). */
  removed(id: string): void;
  /** A conversation was renamed (the open one: the tab's heading follows). */
  renamed(id: string, title: string): void;
}

/**
 * The conversation list: a search box over titles, groups by date, and per conversation Rename
 * (in place; Enter saves, Escape cancels) and Delete.
 */
export class ConversationList {
  readonly el: HTMLElement;
  private sessions: ChatSessionDto[] = [];
  private readonly groups = h('div', { class: 'conv-groups' });
  private readonly search = h('input', {
    type: 'search',
    'aria-label': 'Search conversations',
    placeholder: 'Search conversations',
    autocomplete: 'off',
  });

  constructor(
    private readonly chat: ChatApi,
    private readonly on: ListHandlers,
  ) {
    this.search.addEventListener('input', () => this.draw());
    this.el = h('nav', { class: 'conv-nav', 'aria-label': 'Conversations' }, this.search, this.groups);
  }

  async refresh(): Promise<ChatSessionDto[]> {
    try {
      this.sessions = await this.chat.sessions();
      this.draw();
    } catch (e) {
      clear(this.groups);
      this.groups.append(errorBox((e as Error).message, () => void this.refresh()));
    }
    return this.sessions;
  }

  title(id: string): string | undefined {
    return this.sessions.find((s) => s.session_id === id)?.title;
  }

  private draw(): void {
    clear(this.groups);
    const q = this.search.value.trim().toLowerCase();
    const shown = this.sessions.filter((s) => !q || (s.title ?? s.session_id).toLowerCase().includes(q));
    if (!shown.length && this.sessions.length)
      this.groups.append(h('p', { class: 'muted small', role: 'status' }, 'No conversation matches.'));
    const now = new Date();
    for (const group of GROUPS) {
      const items = shown.filter((s) => dateGroup(s.updated_at, now) === group);
      if (!items.length) continue;
      const id = `conv-group-${group.replace(/\W+/g, '-').toLowerCase()}`;
      this.groups.append(
        h('h2', { class: 'conv-group', id }, group),
        h('ul', { class: 'conv-list', 'aria-labelledby': id }, ...items.map((s) => this.item(s))),
      );
    }
  }

  private item(s: ChatSessionDto): HTMLElement {
    const name = s.title || s.session_id;
    const active = s.session_id === this.on.current();
    const li = h('li', { class: active ? 'active' : '' });
    const open = h(
      'button',
      { type: 'button', class: 'conv', 'aria-current': active ? 'true' : undefined, onclick: () => this.on.open(s.session_id) },
      name,
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

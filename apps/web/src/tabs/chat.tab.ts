import { api, ApiError, apiJson, currentSession } from '../api';
import { clear, errorBox, formatTime, h } from '../dom';
import { renderMarkdown } from '../markdown';
import { postSse, type SseEvent } from '../sse';
import { AnswerStream, pendingAnswer } from '../chat/answer-stream';
import { icon } from '../icons';
import { speakText } from './speak';
import type { ChatSessionDto } from '@nitro/contracts';

interface Msg {
  role: 'user' | 'assistant' | 'system';
  content: string;
  timestamp?: string;
  ai_model?: string;
  ai_source?: string;
  /** How an answer ended; absent means complete. */
  status?: 'complete' | 'stopped' | 'incomplete' | 'failed';
}

const STATUS_TEXT: Record<string, string> = { stopped: 'stopped', incomplete: 'incomplete: the answer was left unfinished', failed: 'failed: the model broke off' };
type SessionInfo = ChatSessionDto;

/** The open conversation, per user (so signing in as someone else does not open a stranger's id). */
const CURRENT = (user: string) => `nitro.chat.session.${user}`;
const newId = () => `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Chat: conversation list, streamed Markdown answers, stop, retry, provider and model per answer.
 * Leaving the tab or reloading does not cancel an answer being written: it goes on on the server
 * and the page picks it up again (resume with Last-Event-ID); Stop stops it on the server.
 */
export function chatTab(root: HTMLElement): void {
  const user = currentSession()!.userId;
  const remembered = localStorage.getItem(CURRENT(user));
  let sessionId = remembered ?? newId();
  let controller: AbortController | null = null;
  let running: AnswerStream | null = null;

  const list = h('ul', { class: 'conv-list', 'aria-label': 'Conversations' });
  const log = h('div', { class: 'messages', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  const input = h('textarea', { id: 'chat-input', rows: 3, placeholder: 'Ask anything… (Enter to send, Shift+Enter for a new line)', 'aria-label': 'Message', maxlength: 32000 });
  const send = h('button', { type: 'submit', class: 'btn-primary', id: 'chat-send' }, 'Send');
  const stop = h('button', { type: 'button', class: 'btn-secondary', id: 'chat-stop', hidden: true, onclick: () => void stopAnswer() }, 'Stop');
  const form = h('form', { class: 'composer', onsubmit: (e: Event) => (e.preventDefault(), void ask(input.value)) }, input, h('div', { class: 'composer-actions' }, stop, send));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  const newChat = h('button', { type: 'button', class: 'btn-secondary', id: 'new-chat', onclick: () => open(newId()) }, icon('plus'), 'New chat');
  root.append(h('section', { class: 'chat-layout' }, h('aside', { class: 'sidebar' }, newChat, list), h('div', { class: 'chat-main' }, log, form)));

  function bubble(m: Msg): HTMLElement {
    const body = h('div', { class: 'bubble-body' });
    if (m.role === 'assistant') body.append(renderMarkdown(m.content));
    else body.textContent = m.content;
    const meta = h('div', { class: 'bubble-meta' }, formatTime(m.timestamp));
    if (m.ai_source) meta.append(` · ${m.ai_source}${m.ai_model ? ` / ${m.ai_model}` : ''}`);
    if (m.status && m.status !== 'complete') meta.append(h('span', { class: 'badge-warn' }, ` ${STATUS_TEXT[m.status] ?? m.status}`));
    const el = h('article', { class: `bubble ${m.role}`, 'aria-label': m.role === 'user' ? 'You' : 'Assistant' }, body, meta);
    if (m.role === 'assistant') meta.append(' ', h('button', { type: 'button', class: 'link-btn', 'aria-label': 'Read this answer aloud', onclick: () => speakText(m.content) }, icon('speaker', 16)));
    return el;
  }

  async function refreshList() {
    try {
      const sessions = await apiJson<SessionInfo[]>(`/chat/sessions/${encodeURIComponent(user)}`);
      clear(list);
      for (const s of sessions) {
        const active = s.session_id === sessionId;
        list.append(
          h('li', { class: active ? 'active' : '' },
            h('button', { type: 'button', class: 'conv', 'aria-current': active ? 'true' : undefined, onclick: () => open(s.session_id) }, s.title || s.session_id),
            h('button', { type: 'button', class: 'icon-btn', 'aria-label': `Delete conversation ${s.title || s.session_id}`, onclick: () => remove(s.session_id) }, icon('trash', 16)),
          ),
        );
      }
    } catch (e) {
      clear(list);
      list.append(h('li', {}, errorBox((e as Error).message, refreshList)));
    }
  }

  async function open(id: string) {
    sessionId = id;
    localStorage.setItem(CURRENT(user), id);
    clear(log);
    try {
      const hist = await apiJson<{ messages: Msg[] }>(`/chat/history/${encodeURIComponent(user)}?session_id=${encodeURIComponent(id)}`);
      for (const m of hist.messages) log.append(bubble(m));
      const pending = pendingAnswer.get();
      if (pending?.sessionId === id && !controller) {
        // An answer was being written when the page went away: pick it up from its start.
        const resume = (s: AnswerStream) => (s.adopt(pending.streamId), () => s.resume());
        void follow(pending.message, resume, hist.messages);
        return void refreshList();
      }
      if (!hist.messages.length) log.append(h('div', { class: 'empty-chat' }, h('h2', {}, 'What shall we talk about?'), h('p', { class: 'muted' }, 'Answers stream in as they are written, with the provider and model that wrote them. Shift+Enter starts a new line.')));
      log.scrollTop = log.scrollHeight;
    } catch (e) {
      log.append(errorBox((e as Error).message, () => open(id)));
    }
    void refreshList();
  }

  async function remove(id: string) {
    if (!confirm('Delete this conversation? Its messages cannot be brought back.')) return;
    const res = await api(`/chat/sessions/${encodeURIComponent(user)}/${encodeURIComponent(id)}`, { method: 'DELETE' });
    if (res.ok && id === sessionId) await open(newId());
    else void refreshList();
  }

  async function stopAnswer() {
    // Stopped on the server: the answer ends with `done` (status "stopped") and is stored so.
    if (!(await running?.stop().catch(() => false))) controller?.abort();
  }

  async function ask(text: string) {
    if (!text.trim() || controller) return;
    input.value = '';
    log.querySelector('.empty-chat')?.remove();
    const ok = await follow(text, (_s) => (handle) => postSse('/chat/stream', { message: text, user_id: user, session_id: sessionId }, (e) => {
      if (e.event === 'start') pendingAnswer.set({ streamId: e.data.stream_id, sessionId, message: text });
      handle(e);
    }, controller!.signal));
    // A send that failed gives the text back, unless the person has typed something new meanwhile.
    if (!ok && !input.value) input.value = text;
  }

  /**
   * Shows the question and a live answer fed by a tracked stream (started by `begin`, resumed on
   * network drops). `shown`: the history already on the page; a resumed answer that turns out to be
   * in it (it ended while the page was away) is not shown twice.
   */
  async function follow(text: string, begin: (s: AnswerStream) => (handle: (e: SseEvent) => void) => Promise<void>, shown?: Msg[]): Promise<boolean> {
    const question = bubble({ role: 'user', content: text, timestamp: new Date().toISOString() });
    log.append(question);
    const answer: Msg = { role: 'assistant', content: '' };
    const live = bubble(answer);
    live.classList.add('streaming');
    log.append(live);
    log.scrollTop = log.scrollHeight;
    const body = live.querySelector('.bubble-body')!;
    const meta = live.querySelector('.bubble-meta')!;
    controller = new AbortController();
    send.disabled = true;
    stop.hidden = false;
    let failed: string | null = null;
    let aborted = false;
    let duplicate = false;
    const stream = new AnswerStream((e) => {
      if (e.event === 'meta') meta.textContent = `${e.data.ai_source} / ${e.data.ai_model}`;
      else if (e.event === 'token') {
        answer.content += e.data.text;
        body.replaceChildren(renderMarkdown(answer.content));
        log.scrollTop = log.scrollHeight;
      } else if (e.event === 'done') {
        duplicate = !!shown?.some((m) => m.role === 'assistant' && m.timestamp === e.data.timestamp);
        body.replaceChildren(renderMarkdown(e.data.response));
        meta.textContent = `${formatTime(e.data.timestamp)} · ${e.data.ai_source || 'no provider'}${e.data.ai_model ? ` / ${e.data.ai_model}` : ''} `;
        if (e.data.status && e.data.status !== 'complete') meta.append(h('span', { class: 'badge-warn' }, ` ${STATUS_TEXT[e.data.status] ?? e.data.status}`));
        meta.append(h('button', { type: 'button', class: 'link-btn', 'aria-label': 'Read this answer aloud', onclick: () => speakText(e.data.response) }, icon('speaker', 16)));
      } else if (e.event === 'error') failed = e.data.message;
    }, controller.signal);
    running = stream;
    try {
      await stream.run(begin(stream));
    } catch (e) {
      aborted = (e as Error).name === 'AbortError';
      // The stream expired or is not ours any more: what it wrote is in the history already, if anything.
      duplicate = shown !== undefined && e instanceof ApiError && e.status === 404;
      failed = aborted || duplicate ? null : (e as Error).message;
      if (aborted) meta.append(h('span', { class: 'badge-warn' }, ' stopped'));
    } finally {
      live.classList.remove('streaming');
      controller = null;
      running = null;
      send.disabled = false;
      stop.hidden = true;
    }
    if (stream.finished || duplicate || (failed && !stream.streamId)) pendingAnswer.clear();
    if (duplicate) {
      question.remove();
      live.remove();
      return true;
    }
    // A stream cut without `done` that could not be resumed is as much a failure as an `error` event.
    if (!failed && !stream.finished && !aborted) failed = 'The connection was lost before the answer was complete.';
    void refreshList();
    if (!failed) return true;
    const box = errorBox(failed, () => void ask(text));
    live.append(box);
    // In a long conversation the error would land below the fold: bring it into view.
    box.scrollIntoView({ block: 'nearest' });
    return false;
  }

  // After sign-in (nothing remembered for this user), open the most recent conversation.
  if (remembered) void open(sessionId);
  else
    void apiJson<SessionInfo[]>(`/chat/sessions/${encodeURIComponent(user)}`)
      .then((list) => open(list[0]?.session_id ?? sessionId))
      .catch(() => open(sessionId));
}

import { ApiError, currentSession } from '../api';
import { clear, errorBox, h, toast } from '../dom';
import { composer } from '../chat/composer';
import { renderMarkdown } from '../markdown';
import { postSse, type SseEvent } from '../sse';
import { AnswerStream, pendingAnswer } from '../chat/answer-stream';
import { attachmentTray } from '../chat/attachments';
import { chatApi } from '../chat/chat-api';
import { ConversationList } from '../chat/conversation-list';
import { exportButtons, exportConversation } from '../chat/export';
import {
  emptyVersionNotice,
  focusBranchNav,
  keepingEdit,
  messageView,
  metaLine,
  quietly,
  reopenEdit,
  servedBy,
  welcome,
  type BranchInfo,
  type Msg,
} from '../chat/message-view';
import { forPerson, isFinalRefusal, type SendFailure } from '../chat/send-failure';
import { conversationDrawer } from '../chat/drawer';
import { modelPicker } from '../chat/model-picker';
import { systemPrompt } from '../chat/system-prompt';
import { icon } from '../icons';
import { followReading, speakText, stopReading } from './speak';
import type { ChatHistoryDto } from '@nitro/contracts';

/** The open conversation, per user (so signing in as someone else does not open a stranger's id). */
const CURRENT = (user: string) => `nitro.chat.session.${user}`;
const newId = () => `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Chat: conversation list, streamed Markdown answers, stop, retry, provider and model per answer,
 * message actions (Copy, Regenerate, Edit, Read aloud) with ‹ n/m › between alternatives.
 * Leaving the tab or reloading does not cancel an answer being written: it goes on on the server
 * and the page picks it up again (resume with Last-Event-ID); Stop stops it on the server.
 */
export function chatTab(root: HTMLElement, signal?: AbortSignal): void {
  // Leaving the tab stops a reading: its button would be gone, with nothing left to stop it.
  signal?.addEventListener('abort', stopReading, { once: true });
  const user = currentSession()!.userId;
  const chat = chatApi(user);
  const remembered = localStorage.getItem(CURRENT(user));
  let sessionId = remembered ?? newId();
  let controller: AbortController | null = null;
  let running: AnswerStream | null = null;
  /** The stored messages shown, and their absolute positions. */
  let shownHistory: ChatHistoryDto | null = null;
  /** The conversation being opened: a message sent meanwhile waits for it, so the history is drawn first. */
  let opening: Promise<void> = Promise.resolve();

  const log = h('div', { class: 'messages', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  const [model, system, tray] = [modelPicker(), systemPrompt(user), attachmentTray()] as const;
  const { form, input, send, stop } = composer([tray.el, model.el, system.el], {
    send: (text) => void ask(text),
    stop: () => void stopAnswer(),
  });

  const list = new ConversationList(chat, {
    current: () => sessionId,
    pending: () => pendingAnswer.of(user),
    open: (id) => (closeDrawer(), void open(id)),
    removed: (id) => (pendingAnswer.clear(id), id === sessionId && void open(newId())),
    renamed: (id, title) => id === sessionId && (heading.textContent = title),
  });
  const newChat = h(
    'button',
    { type: 'button', class: 'btn-secondary', id: 'new-chat', onclick: () => (closeDrawer(), void open(newId())) },
    icon('plus'),
    'New chat',
  );
  const { sidebar, toggle: drawer, close: closeDrawer } = conversationDrawer(root, newChat, list.el);
  const heading = h('h2', { class: 'chat-title' }, 'New conversation');
  const [exportMd, exportJson] = exportButtons((kind) => void exportAs(kind));
  const header = h('div', { class: 'chat-head' }, drawer, heading, h('div', { class: 'chat-head-actions' }, exportMd, exportJson));
  root.append(h('section', { class: 'chat-layout' }, sidebar, h('div', { class: 'chat-main' }, header, log, form)));

  const actions = {
    regenerate: (position: number) => void rebranch(position, 'regenerate'),
    edit: (position: number, text: string) => void rebranch(position, 'edit', text),
    select: (position: number, variant: number) => void selectBranch(position, variant),
    readAloud: (text: string, state: (speaking: boolean) => void) => void speakText(text, state),
    reading: followReading,
  };

  /** Draws the stored conversation with its actions and alternatives. */
  /** `ownSend`: a Regenerate / Edit is about to fill the version at the end, so it is not "empty". */
  function draw(hist: ChatHistoryDto, ownSend = false) {
    shownHistory = hist;
    quietly(log);
    clear(log);
    const offset = hist.offset ?? 0;
    const branches: Record<string, BranchInfo> = hist.branches ?? {};
    hist.messages.forEach((m, i) => log.append(messageView(m, offset + i, { actions, branches, previous: hist.messages[i - 1] })));
    // An empty version at the end: a Regenerate's answers are kept one past its question, an Edit's versions at it.
    const end = offset + hist.messages.length;
    const at = branches[end + 1]?.kind === 'regenerate' ? end + 1 : end;
    if (branches[at] && !ownSend && !pendingAnswer.get(sessionId)) log.append(emptyVersionNotice(at, branches[at], actions));
    heading.textContent =
      list.title(sessionId) ??
      (hist.messages.length ? (hist.messages.find((m) => m.role === 'user')?.content.slice(0, 80) ?? 'Conversation') : 'New conversation');
    exportMd.disabled = exportJson.disabled = !hist.messages.length;
  }

  function open(id: string): Promise<void> {
    return (opening = load(id));
  }

  async function load(id: string) {
    // Files attached in one conversation are not sent in another: switching drops them.
    if (id !== sessionId) tray.clear();
    // An answer being written goes on on the server (as when the tab is left): this page stops following it, and the
    // conversation, listed meanwhile, picks it up when opened again (pendingAnswer). Stop here would stop another's.
    if (id !== sessionId) controller?.abort();
    sessionId = id;
    system.use(id);
    localStorage.setItem(CURRENT(user), id);
    clear(log);
    try {
      const hist = await chat.history(id);
      draw(hist);
      const pending = pendingAnswer.get(id);
      if (pending && !controller) {
        // An answer was being written when the page went away: pick it up from its start.
        const resume = (s: AnswerStream) => (s.adopt(pending.streamId), () => s.resume());
        void follow(pending.message, resume, hist.messages);
        return void list.refresh().then(() => (heading.textContent = list.title(sessionId) ?? heading.textContent));
      }
      if (!hist.messages.length && !Object.keys(hist.branches ?? {}).length) log.append(welcome());
      log.scrollTop = log.scrollHeight;
    } catch (e) {
      log.append(errorBox((e as Error).message, () => open(id)));
    }
    await list.refresh();
    if (shownHistory && !controller) heading.textContent = list.title(sessionId) ?? heading.textContent;
  }

  /**
   * Regenerate (the same question again) or Edit (another one): the old turn stays as an alternative. The fork
   * happens first; if the new answer then fails, the version shown before comes back (the server drops the empty
   * one) and the error says so beside it, with Retry doing the whole Regenerate / Edit again.
   */
  async function rebranch(position: number, kind: 'regenerate' | 'edit', text?: string) {
    if (controller) return busyNotice();
    if (!shownHistory) return;
    const question = shownHistory.messages[position - (shownHistory.offset ?? 0)];
    if (!question) return;
    // Edit's versions are kept at the question, Regenerate's answers at the answer after it.
    const at = kind === 'edit' ? position : position + 1;
    const shownBefore = shownHistory.branches?.[String(at)]?.active ?? 0;
    const content = text ?? question.content;
    try {
      await chat.fork(sessionId, position, kind);
      draw(await chat.history(sessionId), true);
      // The question's own files go with it; the composer (a draft being typed, its files) is left as it is.
      const files = await tray.reattach(question.attachments);
      await ask(content, {
        files,
        // A failed Edit's text goes back into its edit box, not the composer (sent from there it would be a new message).
        giveTextBack: false,
        retry: () => void rebranch(position, kind, content),
        restore: async () => {
          draw(await chat.select(sessionId, at, shownBefore));
          if (kind === 'edit') reopenEdit(log, position, content);
        },
      });
    } catch (e) {
      log.append(errorBox((e as Error).message));
    }
  }

  /** An answer is being written: the conversation cannot branch under it. */
  const busyNotice = () => toast('An answer is being written: wait for it to finish, or Stop it.', 'error');

  async function selectBranch(position: number, variant: number) {
    if (controller) return busyNotice();
    const towards = variant < (shownHistory?.branches?.[String(position)]?.active ?? 0) ? 'Previous' : 'Next';
    try {
      draw(await chat.select(sessionId, position, variant));
      focusBranchNav(log, position, towards);
    } catch (e) {
      log.append(errorBox((e as Error).message));
    }
  }

  async function exportAs(kind: 'md' | 'json') {
    exportConversation(kind, list.title(sessionId) ?? heading.textContent ?? 'Conversation', await chat.history(sessionId, 1000));
  }

  async function stopAnswer() {
    // Stopped on the server: the answer ends with `done` (status "stopped") and is stored so. A refused stop is said,
    // not faked here (the answer would read "stopped" here and complete after a reload).
    await running?.stop().catch((e: Error) => toast(`Could not stop the answer: ${e.message}`, 'error'));
  }

  async function ask(text: string, failure: SendFailure = {}) {
    if (!text.trim() || controller) return;
    const fromComposer = !failure.files;
    if (fromComposer) input.value = '';
    await Promise.all([opening, tray.ready()]);
    log.querySelector('.empty-chat')?.remove();
    const at = sessionId;
    const options =
      model.value() || system.value()
        ? { ...(model.value() ? { model: model.value() } : {}), ...(system.value() ? { system: system.value() } : {}) }
        : undefined;
    const ok = await follow(
      text,
      (_s) => (handle) =>
        postSse(
          '/chat/stream',
          { message: text, user_id: user, session_id: at, options, ...(failure.files ?? tray.payload()) },
          (e) => {
            if (e.event === 'start') {
              pendingAnswer.set({ streamId: e.data.stream_id, sessionId: at, message: text, userId: user });
              // A new conversation is listed at once (by its question), not when its first answer ends.
              if (!list.has(at)) void list.refresh();
            }
            handle(e);
          },
          controller!.signal,
        ),
      undefined,
      failure,
    );
    if (sessionId !== at) return; // another conversation is open now: its composer is not this send's
    // A send that failed gives the text back (and keeps the files), unless the person has typed something new meanwhile.
    if (ok && fromComposer) tray.clear();
    else if (!ok && !input.value && failure.giveTextBack !== false) input.value = text;
  }

  /**
   * Shows the question and a live answer fed by a tracked stream (started by `begin`, resumed on
   * network drops). `shown`: the history already on the page; a resumed answer that turns out to be
   * in it (it ended while the page was away) is not shown twice. True when nothing failed.
   */
  async function follow(
    text: string,
    begin: (s: AnswerStream) => (handle: (e: SseEvent) => void) => Promise<void>,
    shown?: Msg[],
    failure: SendFailure = {},
  ): Promise<boolean> {
    const startedIn = sessionId;
    const question = messageView({ role: 'user', content: text, timestamp: new Date().toISOString() });
    log.append(question);
    const answer: Msg = { role: 'assistant', content: '' };
    const live = messageView(answer);
    live.classList.add('streaming');
    live.setAttribute('aria-busy', 'true'); // read once it is complete, not every piece as it streams
    log.append(live);
    live.scrollIntoView({ block: 'end' });
    const body = live.querySelector<HTMLElement>('.bubble-body')!;
    const meta = live.querySelector<HTMLElement>('.bubble-meta')!;
    controller = new AbortController();
    send.disabled = true;
    stop.hidden = false;
    let failed: string | null = null;
    let aborted = false;
    let duplicate = false;
    let final = false;
    const stream = new AnswerStream((e) => {
      if (e.event === 'meta') meta.textContent = servedBy(e.data.ai_source, e.data.ai_model);
      else if (e.event === 'token') {
        answer.content += e.data.text;
        const near = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
        body.replaceChildren(renderMarkdown(answer.content));
        if (near) log.scrollTop = log.scrollHeight; // follow the answer unless the person scrolled up to read
      } else if (e.event === 'done') {
        duplicate = !!shown?.some((m) => m.role === 'assistant' && m.timestamp === e.data.timestamp);
        body.replaceChildren(renderMarkdown(e.data.response));
        metaLine(meta, {
          role: 'assistant',
          content: e.data.response,
          timestamp: e.data.timestamp,
          ai_source: e.data.ai_source || 'no provider',
          ai_model: e.data.ai_model,
          status: e.data.status,
          usage: e.data.usage,
        });
      } else if (e.event === 'error') {
        failed = forPerson(e.data.code, e.data.message);
        final = isFinalRefusal(e.data.status);
      }
    }, controller.signal);
    running = stream;
    try {
      await stream.run(begin(stream));
    } catch (e) {
      aborted = (e as Error).name === 'AbortError';
      // The stream expired or is not ours any more: what it wrote is in the history already, if anything.
      duplicate = shown !== undefined && e instanceof ApiError && e.status === 404;
      failed = aborted || duplicate ? null : forPerson((e as ApiError).code, (e as Error).message);
      final = e instanceof ApiError && isFinalRefusal(e.status);
      if (aborted) meta.append(h('span', { class: 'badge-warn' }, ' stopped'));
    } finally {
      live.classList.remove('streaming');
      live.removeAttribute('aria-busy');
      controller = null;
      running = null;
      send.disabled = false;
      stop.hidden = true;
    }
    if (stream.finished || duplicate || (failed && !stream.streamId)) pendingAnswer.clear(startedIn);
    if (sessionId !== startedIn) return true; // another conversation was opened: nothing of this one is on screen
    if (duplicate) {
      question.remove();
      live.remove();
      return true;
    }
    // A stream cut without `done` that could not be resumed is as much a failure as an `error` event.
    if (!failed && !stream.finished && !aborted) failed = 'The connection was lost before the answer was complete.';
    if (!failed) {
      // A tracked answer is stored: draw the conversation as stored, with its actions and alternatives.
      if (stream.streamId)
        await list
          .refresh()
          .then(() => chat.history(sessionId))
          // An edit box opened meanwhile (its text) survives the redraw.
          .then((hist) => keepingEdit(log, () => (draw(hist), (log.scrollTop = log.scrollHeight))))
          .catch(() => undefined);
      return true;
    }
    void list.refresh();
    const box = errorBox(failed, final ? undefined : (failure.retry ?? (() => void ask(text))));
    if (failure.restore) {
      await failure.restore().catch(() => undefined);
      log.append(box);
    } else live.append(box);
    // In a long conversation the error would land below the fold: bring it into view.
    box.scrollIntoView({ block: 'nearest' });
    return false;
  }

  // After sign-in (nothing remembered for this user), open the most recent conversation.
  // The remembered one stays open if it still exists (or its first answer is still coming); one deleted elsewhere
  // meanwhile gives way to the most recent, as after sign-in.
  if (remembered && pendingAnswer.get(sessionId)) void open(sessionId);
  else
    void chat
      .sessions()
      .then((sessions) =>
        open(remembered && sessions.some((x) => x.session_id === remembered) ? remembered : (sessions[0]?.session_id ?? sessionId)),
      )
      .catch(() => open(sessionId));
}

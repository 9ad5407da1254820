import { api, ApiError, errorFrom } from '../api';
import { getSse, type SseEvent } from '../sse';

/** An unfinished answer of this browser, kept across reloads (localStorage), one per conversation. */
export interface PendingAnswer {
  streamId: string;
  sessionId: string;
  /** The question, shown again while the answer is resumed (it is stored with the answer, at the end). */
  message: string;
  /** Whose it is: the browser may be shared, and the conversation list shows a pending one by its question. */
  userId?: string;
  /** When it started (ms since the epoch): entries older than PENDING_MAX_AGE_MS are forgotten. */
  at?: number;
}

const PENDING = 'nitro.chat.pending';
/** Longer than any answer is kept resumable on the server; an entry this old is left to the history. */
const PENDING_MAX_AGE_MS = 15 * 60_000;
const RESUME_ATTEMPTS = 5;

/** All pending answers (an earlier version kept one object: read as a list of one). */
function readPending(): PendingAnswer[] {
  try {
    const raw = JSON.parse(localStorage.getItem(PENDING) ?? '[]') as PendingAnswer | PendingAnswer[] | null;
    const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
    return all.filter((p) => p && typeof p.sessionId === 'string' && Date.now() - (p.at ?? Date.now()) < PENDING_MAX_AGE_MS);
  } catch {
    return [];
  }
}

function writePending(all: PendingAnswer[]): void {
  if (all.length) localStorage.setItem(PENDING, JSON.stringify(all));
  else localStorage.removeItem(PENDING);
}

/**
 * The answers still being written, by conversation: several can be under way (one sent, another conversation opened
 * and a message sent there), and each conversation picks its own up when opened again.
 */
export const pendingAnswer = {
  /** The pending answer of conversation `sessionId`, if any. */
  get(sessionId: string): PendingAnswer | null {
    return readPending().find((p) => p.sessionId === sessionId) ?? null;
  },
  set(p: PendingAnswer): void {
    writePending([...readPending().filter((x) => x.sessionId !== p.sessionId), { ...p, at: p.at ?? Date.now() }]);
  },
  clear(sessionId: string): void {
    writePending(readPending().filter((x) => x.sessionId !== sessionId));
  },
  /** `userId`'s pending answers (the browser may be shared by several people). */
  of(userId: string): PendingAnswer[] {
    return readPending().filter((p) => p.userId === userId);
  },
};

/**
 * Follows one tracked answer (docs/adr/0006-chat-stream-lifecycle.md): the request that starts it,
 * then, if the connection drops before `done` or `error`, GET /chat/streams/{id} with Last-Event-ID
 * (a few attempts, backing off) so the answer continues where it was, without asking the person.
 * Stop asks the server to stop (the answer then ends with `done`, status "stopped").
 */
export class AnswerStream {
  streamId?: string;
  private lastId = 0;
  private ended = false;

  constructor(
    private readonly onEvent: (e: SseEvent) => void,
    private readonly signal: AbortSignal,
  ) {}

  get finished(): boolean {
    return this.ended;
  }

  /** Runs `begin` (the POST, or a resume after a reload), then resumes until the answer ends. */
  async run(begin: (handle: (e: SseEvent) => void) => Promise<void>): Promise<void> {
    try {
      await begin(this.handle);
    } catch (err) {
      if (this.signal.aborted || !this.streamId) throw err;
    }
    for (let attempt = 0; !this.ended && attempt < RESUME_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 400 * 2 ** attempt));
      try {
        await this.resume();
      } catch (err) {
        if (this.signal.aborted || (err instanceof ApiError && err.status === 404)) throw err;
      }
    }
  }

  /** Replays the stream after the last event seen (all of it when none was). */
  resume(): Promise<void> {
    return getSse(
      `/chat/streams/${encodeURIComponent(this.streamId ?? '')}`,
      this.handle,
      this.signal,
      this.lastId ? { 'last-event-id': String(this.lastId) } : {},
    );
  }

  /**
   * Asks the server to stop; the answer then ends with `done` (status "stopped", or its own status when it had
   * already ended). Before the `start` event names the stream, the stop is sent as soon as it does (a local cut
   * would leave the server writing, to be stored "incomplete"). @throws ApiError when refused.
   */
  async stop(): Promise<void> {
    if (!this.streamId) {
      this.stopWhenStarted = true;
      return;
    }
    const res = await api(`/chat/streams/${encodeURIComponent(this.streamId)}/stop`, { method: 'POST' });
    if (!res.ok) throw await errorFrom(res);
  }

  /** Stop was pressed before the server named the stream. */
  private stopWhenStarted = false;

  adopt(streamId: string): void {
    this.streamId = streamId;
  }

  private readonly handle = (e: SseEvent): void => {
    const id = Number(e.id);
    if (Number.isFinite(id) && id > 0) {
      if (id <= this.lastId) return; // already shown (a replay overlapping what arrived live)
      this.lastId = id;
    }
    if (e.event === 'start') {
      this.streamId = e.data.stream_id;
      if (this.stopWhenStarted) void this.stop().catch(() => undefined);
    }
    if (e.event === 'done' || e.event === 'error') this.ended = true;
    this.onEvent(e);
  };
}

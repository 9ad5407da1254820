import { api, ApiError, errorFrom } from '../api';
import { getSse, type SseEvent } from '../sse';

/** The unfinished answer of this browser, kept across reloads (localStorage). */
export interface PendingAnswer {
  streamId: string;
  sessionId: string;
  /** The question, shown again while the answer is resumed (it is stored with the answer, at the end). */
  message: string;
  /** Whose it is: the browser may be shared, and the conversation list shows a pending one by its question. */
  userId?: string;
}

const PENDING = 'nitro.chat.pending';
const RESUME_ATTEMPTS = 5;

export const pendingAnswer = {
  get(): PendingAnswer | null {
    try {
      return JSON.parse(localStorage.getItem(PENDING) ?? 'null') as PendingAnswer | null;
    } catch {
      return null;
    }
  },
  set(p: PendingAnswer): void {
    localStorage.setItem(PENDING, JSON.stringify(p));
  },
  clear(): void {
    localStorage.removeItem(PENDING);
  },
  /** The pending answer if it is `userId`'s (the browser may be shared by several people). */
  of(userId: string): PendingAnswer | null {
    const p = this.get();
    return p?.userId === userId ? p : null;
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

  /** Asks the server to stop; false when the stream is not known yet (the caller then drops the connection). */
  /**
   * Asks the server to stop; the answer then ends with `done` (status "stopped", or its own status when it had
   * already ended). False when there is nothing to stop there yet (no `start` event). @throws ApiError when refused.
   */
  async stop(): Promise<boolean> {
    if (!this.streamId) return false;
    const res = await api(`/chat/streams/${encodeURIComponent(this.streamId)}/stop`, { method: 'POST' });
    if (!res.ok) throw await errorFrom(res);
    return true;
  }

  adopt(streamId: string): void {
    this.streamId = streamId;
  }

  private readonly handle = (e: SseEvent): void => {
    const id = Number(e.id);
    if (Number.isFinite(id) && id > 0) {
      if (id <= this.lastId) return; // already shown (a replay overlapping what arrived live)
      this.lastId = id;
    }
    if (e.event === 'start') this.streamId = e.data.stream_id;
    if (e.event === 'done' || e.event === 'error') this.ended = true;
    this.onEvent(e);
  };
}

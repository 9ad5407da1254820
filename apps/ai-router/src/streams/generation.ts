import type { Subscriber } from 'rxjs';
import type { ChatStreamEvent, TurnStatus } from '@nitro/contracts';

/** Why a tracked generation was aborted: an explicit stop, or nobody read it through the grace period. */
export type AbortCause = Extract<TurnStatus, 'stopped' | 'incomplete'>;

/**
 * One running generation of a tracked stream on this replica: numbers its events, fans them out to
 * the transport subscribers attached here (normally the one request that started it), and knows
 * why it was aborted. Replay to other readers goes through the Redis log, not through this object.
 */
export class Generation {
  readonly controller = new AbortController();
  private cause?: AbortCause;
  private seq = 0;
  private readonly subscribers = new Set<Subscriber<ChatStreamEvent>>();
  /** Date.now() when the last local subscriber left (undefined while one is attached); starts detached. */
  detachedAt: number | undefined = Date.now();

  constructor(
    readonly streamId: string,
    private readonly log: (event: ChatStreamEvent & { id: number }) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The abort cause, once aborted by stop() or the reader watchdog. */
  get abortCause(): AbortCause | undefined {
    return this.cause;
  }

  get attached(): number {
    return this.subscribers.size;
  }

  attach(sub: Subscriber<ChatStreamEvent>): void {
    this.subscribers.add(sub);
    this.detachedAt = undefined;
  }

  detach(sub: Subscriber<ChatStreamEvent>): void {
    if (this.subscribers.delete(sub) && this.subscribers.size === 0) this.detachedAt = Date.now();
  }

  /** Numbers the event, logs it to Redis, then hands it to the local subscribers (in that order). */
  emit(event: ChatStreamEvent): void {
    const numbered = { ...event, id: ++this.seq };
    this.log(numbered);
    for (const s of this.subscribers) s.next(numbered);
  }

  abort(cause: AbortCause): void {
    if (this.signal.aborted) return;
    this.cause = cause;
    this.controller.abort(new Error(cause === 'stopped' ? 'the stream was stopped' : 'nobody is reading the stream any more'));
  }

  complete(): void {
    for (const s of this.subscribers) s.complete();
    this.subscribers.clear();
  }
}

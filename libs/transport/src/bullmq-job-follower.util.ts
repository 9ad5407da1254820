import type { QueueEvents } from 'bullmq';
import { Observable } from 'rxjs';
import { getLogger } from '@nitro/observability';

/**
 * What one subscription to a job needs to know about that kind of job. Made afresh for each
 * subscriber (`follow`'s factory), so it may keep its own "last sent" state (a `seq`, a status).
 * - `snapshot`: reads the job's current state (Queue.getJob) and maps it to the events to send,
 *   none when it is not newer than what was sent. Throw to end the stream with that error (a 404).
 * - `progress`: maps one QueueEvents `progress` payload (what the worker passed to
 *   job.updateProgress) to events; none when stale or when the end is reported by a state read.
 * - `isFinal`: whether an event is the last: the stream completes right after sending it.
 */
export interface JobTracker<P, Out> {
  snapshot(): Promise<Out[]>;
  progress(data: P): Out[];
  isFinal(event: Out): boolean;
}

/** How a follower reads its queue's events. */
export interface JobFollowerOptions {
  /** Names the queue in the log line of a QueueEvents `error` (`<label> events error`). */
  label: string;
  /**
   * QueueEvents events after which the job's state is read again (`snapshot`): at least
   * `completed` and `failed`, whose payload lacks what the job's final state holds.
   */
  stateEvents: readonly ('completed' | 'failed' | 'active' | 'waiting' | 'stalled' | 'delayed')[];
  /** Read the state again this often (ms) in case an event was lost; none when omitted. */
  resyncMs?: number;
}

type Hint<P> = { kind: 'progress'; data: P } | { kind: 'state' };

/**
 * Follows single BullMQ jobs as rxjs Observables (for SSE), over ONE QueueEvents reader fanned out
 * by job id. Events are hints, the job's state is the truth:
 * - BullMQ's QueueEvents reads the queue's Redis stream of events (XREAD), so every worker's
 *   events arrive in one reader, in the order they were written: `progress` ({ jobId, data } from
 *   job.updateProgress), `completed` ({ jobId, returnvalue }), `failed` ({ jobId, failedReason }),
 *   `active`, `waiting`… Without `lastEventId` it starts at the newest event ('$'): what happened
 *   before a follower came is not replayed, and the stream is trimmed (~10,000 events), so an event
 *   can be missed across a long reconnect.
 * - Hence, per subscriber: listen first, then read the job's state (nothing falls between the two);
 *   events that arrive during that read are held in one promise chain behind it, then handled in
 *   arrival order (a state read in the chain finishes before the next event is handled);
 *   optionally read the state again every `resyncMs`; complete after the first final event.
 * - Errors (a snapshot that throws, a job gone) end the stream with that error; unsubscribing (or
 *   the end) removes the listener and the timer. Reader `error`s are logged, not sent: BullMQ
 *   reconnects by itself.
 * The reader may be given lazily (a function, e.g. a LazyResource's get): it is then asked for on the
 * first `follow()` (or `start()`), and every follower's state read waits until it is listening.
 * The owner closes the reader.
 */
export class BullmqJobFollower<P> {
  private readonly listeners = new Map<string, Set<(h: Hint<P>) => void>>();
  private listening?: Promise<void>;

  constructor(
    private readonly events: QueueEvents | (() => Promise<QueueEvents>),
    private readonly opts: JobFollowerOptions,
  ) {}

  /**
   * Registers the fan-out listeners on the reader, once (later calls share the first); follow()
   * calls it. Rejects when the reader cannot be had (then the next call tries again).
   */
  start(): Promise<void> {
    if (!this.listening) {
      const events = this.events;
      const attempt = (typeof events === 'function' ? events() : Promise.resolve(events)).then((e) => this.listen(e));
      this.listening = attempt;
      attempt.catch(() => {
        if (this.listening === attempt) this.listening = undefined;
      });
    }
    return this.listening;
  }

  private listen(events: QueueEvents): void {
    events.on('progress', ({ jobId, data }) => this.dispatch(jobId, { kind: 'progress', data: data as P }));
    for (const name of this.opts.stateEvents) events.on(name, ({ jobId }: { jobId: string }) => this.dispatch(jobId, { kind: 'state' }));
    events.on('error', (err) => getLogger().warn({ err }, `${this.opts.label} events error`));
  }

  private dispatch(jobId: string, h: Hint<P>): void {
    for (const l of this.listeners.get(jobId) ?? []) l(h);
  }

  /** Events of job `jobId` as `track()` maps them, until a final one (then it completes) or an error. */
  follow<Out>(jobId: string, track: () => JobTracker<P, Out>): Observable<Out> {
    return new Observable<Out>((sub) => {
      const t = track();
      let ended = false;
      // Nothing is handled before the reader listens (a reader made now starts at this moment).
      let chain = this.start();
      const finish = () => {
        if (ended) return;
        ended = true;
        sub.complete();
      };
      const fail = (err: unknown) => {
        if (ended) return;
        ended = true;
        sub.error(err);
      };
      const send = (out: Out[]) => {
        for (const e of out) {
          if (ended) return;
          sub.next(e);
          if (t.isFinal(e)) finish();
        }
      };
      const handle = async (h: Hint<P>) => {
        if (ended) return;
        send(h.kind === 'state' ? await t.snapshot() : t.progress(h.data));
      };
      const enqueue = (h: Hint<P>): void => {
        chain = chain.then(() => handle(h)).catch(fail);
      };
      const set = this.listeners.get(jobId) ?? new Set();
      set.add(enqueue);
      this.listeners.set(jobId, set);
      const resync = this.opts.resyncMs ? setInterval(() => enqueue({ kind: 'state' }), this.opts.resyncMs) : undefined;
      // Listen first, then read the state: nothing falls between the two. Events that arrive during
      // the read wait in the chain behind it, and are handled in arrival order once it is sent.
      enqueue({ kind: 'state' });
      return () => {
        ended = true;
        clearInterval(resync);
        set.delete(enqueue);
        if (!set.size) this.listeners.delete(jobId);
      };
    });
  }
}

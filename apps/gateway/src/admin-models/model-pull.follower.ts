import { Inject, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import type { QueueEvents } from 'bullmq';
import { Observable } from 'rxjs';
import { ERROR_CODE, type ModelPullEvent, type ModelPullProgress, type ModelPullStatusDto } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { MODEL_PULL_EVENTS, MODEL_PULL_QUEUE, type ModelPullQueue } from './model-pull-queue';
import { pullStatusOf, type ModelPullJob } from './model-pull-status';

type Hint = { kind: 'progress'; data: ModelPullProgress } | { kind: 'state' };
/** The job's state is read again this often while following, in case an event was missed (a reconnect). */
const RESYNC_MS = 5_000;

/**
 * Follows pull jobs through BullMQ's QueueEvents (`progress` from job.updateProgress, `completed`,
 * `failed`, `active`, `waiting`): the current state first (a late follower still sees the end), then
 * live progress in order (by the worker's `seq`), then `done` or `failed` from the job's final state.
 * Events are hints, the job's state is the truth (as the image job follower does).
 */
@Injectable()
export class ModelPullFollower implements OnModuleInit {
  private readonly listeners = new Map<string, Set<(h: Hint) => void>>();

  constructor(
    @Inject(MODEL_PULL_EVENTS) private readonly events: QueueEvents,
    @Inject(MODEL_PULL_QUEUE) private readonly queue: ModelPullQueue,
  ) {}

  onModuleInit(): void {
    this.events.on('progress', ({ jobId, data }) => this.dispatch(jobId, { kind: 'progress', data: data as ModelPullProgress }));
    for (const name of ['completed', 'failed', 'active', 'waiting'] as const)
      this.events.on(name, ({ jobId }: { jobId: string }) => this.dispatch(jobId, { kind: 'state' }));
    this.events.on('error', (err) => getLogger().warn({ err }, 'model pull events error'));
  }

  private dispatch(jobId: string, h: Hint): void {
    for (const l of this.listeners.get(jobId) ?? []) l(h);
  }

  /** Events of one pull until done or failed (then it completes); a 404 error when the job does not exist. */
  follow(jobId: string): Observable<ModelPullEvent> {
    return new Observable<ModelPullEvent>((sub) => {
      let last: (ModelPullStatusDto & { seq: number }) | undefined;
      let ended = false;
      let live = false;
      let chain = Promise.resolve();
      const held: Hint[] = [];
      const emit = (s: ModelPullStatusDto & { seq: number }) => {
        const terminal = s.state === 'done' || s.state === 'failed';
        if (!terminal && last && s.seq <= last.seq && s.state === last.state) return;
        last = s;
        const { seq: _seq, ...dto } = s;
        sub.next({ type: s.state === 'done' ? 'done' : s.state === 'failed' ? 'failed' : 'progress', ...dto });
        if (terminal) finish();
      };
      const snapshot = async () => {
        const job = (await this.queue.getJob(jobId)) as ModelPullJob | undefined;
        if (!job)
          throw new NotFoundException({
            error: ERROR_CODE.NOT_FOUND,
            message: `no model pull ${jobId} (finished pulls are kept for a day)`,
          });
        emit(await pullStatusOf(job));
      };
      const handle = async (h: Hint) => {
        if (ended) return;
        if (h.kind === 'state') return snapshot();
        const d = h.data;
        // The end is reported from the job's final state (with its result), on `completed` / `failed`.
        if (!last || d.seq <= last.seq || d.state === 'done' || d.state === 'failed') return;
        const { reason: _r, failure: _f, ...prev } = last;
        emit({
          ...prev,
          state: d.state,
          bytes: d.bytes,
          total: d.total,
          rate: d.rate,
          eta_ms: d.eta_ms,
          seq: d.seq,
          ...(d.reason ? { reason: d.reason } : {}),
          ...(d.failure ? { failure: d.failure } : {}),
        });
      };
      const enqueue = (h: Hint) => (chain = chain.then(() => handle(h)).catch(fail));
      const listener = (h: Hint) => (live ? enqueue(h) : held.push(h));
      const set = this.listeners.get(jobId) ?? new Set();
      set.add(listener);
      this.listeners.set(jobId, set);
      const resync = setInterval(() => enqueue({ kind: 'state' }), RESYNC_MS);
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
      // Listen first, then read the state: nothing falls between the two.
      chain = snapshot()
        .then(() => {
          live = true;
          held.splice(0).forEach(enqueue);
        })
        .catch(fail);
      return () => {
        ended = true;
        clearInterval(resync);
        set.delete(listener);
        if (!set.size) this.listeners.delete(jobId);
      };
    });
  }
}

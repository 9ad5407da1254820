import { Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { type ModelPullEvent, type ModelPullProgress, type ModelPullStatusDto } from '@nitro/contracts';
import { BullmqJobFollower, type JobTracker } from '@nitro/transport';
import { MODEL_PULL_EVENTS, MODEL_PULL_QUEUE, type ModelPullEventsHandle, type ModelPullQueueHandle } from './model-pull-queue';
import { pullNotFound, readPullStatus } from './model-pull-status';

/** The job's state is read again this often while following, in case an event was missed (a reconnect). */
const RESYNC_MS = 5_000;

type Status = ModelPullStatusDto & { seq: number };

/**
 * Follows pull jobs through BullMQ's QueueEvents with the shared BullmqJobFollower (libs/transport):
 * the current state first (a late follower still sees the end), then live `progress` in order (by the
 * worker's `seq`), then `done` or `failed` from the job's final state, read again on `completed`,
 * `failed`, `active`, `waiting` and every RESYNC_MS. Events are hints, the job's state is the truth.
 * The reader is made on the first pull followed.
 */
@Injectable()
export class ModelPullFollower {
  private readonly follower: BullmqJobFollower<ModelPullProgress>;

  constructor(
    @Inject(MODEL_PULL_EVENTS) events: ModelPullEventsHandle,
    @Inject(MODEL_PULL_QUEUE) private readonly queue: ModelPullQueueHandle,
  ) {
    this.follower = new BullmqJobFollower(() => events.get(), {
      label: 'model pull',
      stateEvents: ['completed', 'failed', 'active', 'waiting'],
      resyncMs: RESYNC_MS,
    });
  }

  /** Events of one pull until done or failed (then it completes); a 404 error when the job does not exist. */
  follow(jobId: string): Observable<ModelPullEvent> {
    return this.follower.follow(jobId, () => this.tracker(jobId));
  }

  /** One subscriber's view: the last status it was sent (progress events carry only the moving fields). */
  private tracker(jobId: string): JobTracker<ModelPullProgress, ModelPullEvent> {
    let last: Status | undefined;
    const emit = (s: Status): ModelPullEvent[] => {
      const terminal = s.state === 'done' || s.state === 'failed';
      if (!terminal && last && s.seq <= last.seq && s.state === last.state) return [];
      last = s;
      const { seq: _seq, ...dto } = s;
      return [{ type: s.state === 'done' ? 'done' : s.state === 'failed' ? 'failed' : 'progress', ...dto }];
    };
    return {
      snapshot: async () => {
        const status = await readPullStatus(await this.queue.get(), jobId);
        if (!status) throw pullNotFound(jobId);
        return emit(status);
      },
      progress: (d) => {
        // The end is reported from the job's final state (with its result), on `completed` / `failed`.
        if (!last || d.seq <= last.seq || d.state === 'done' || d.state === 'failed') return [];
        const { reason: _r, failure: _f, ...prev } = last;
        return emit({
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
      },
      isFinal: (e) => e.type === 'done' || e.type === 'failed',
    };
  }
}

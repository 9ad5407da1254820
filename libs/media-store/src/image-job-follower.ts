import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { ImageJobEvent, ImageJobProgress } from '@nitro/contracts';
import { BullmqJobFollower, type JobTracker } from '@nitro/transport';
import type { ImageJob } from './image-job-progress';
import { eventOf, IMAGE_JOB_PRESENTER, snapshotOf, type ImageJobPresenter } from './image-job-state';
import { IMAGE_QUEUE, IMAGE_QUEUE_EVENTS, type ImageQueueEventsHandle, type ImageQueueHandle } from './image-queue';

/**
 * Follows image jobs through BullMQ's event stream (QueueEvents) with the shared BullmqJobFollower
 * (libs/transport): a follower first gets the job's current state, so one who subscribes late still
 * sees `done`; live events that arrived while the state was read are held back and replayed, and
 * anything not newer than what was already sent (by the worker's `seq`) is dropped, so events reach
 * the client in order. `completed` and `failed` re-read the job's final state. The reader is made on
 * the first follow (it then delivers every event written after it was made: openQueueEvents).
 */
@Injectable()
export class ImageJobFollower {
  private readonly follower: BullmqJobFollower<ImageJobProgress>;

  constructor(
    @Inject(IMAGE_QUEUE_EVENTS) events: ImageQueueEventsHandle,
    @Inject(IMAGE_QUEUE) private readonly queue: ImageQueueHandle,
    @Inject(IMAGE_JOB_PRESENTER) private readonly present: ImageJobPresenter,
  ) {
    this.follower = new BullmqJobFollower(() => events.get(), { label: 'image queue', stateEvents: ['completed', 'failed'] });
  }

  /**
   * Events of one job until done or failed (then the Observable completes); errors with a 404
   * NotFoundException when the job no longer exists. Callers check ownership first.
   */
  follow(jobId: string): Observable<ImageJobEvent> {
    return this.follower.follow(jobId, () => this.tracker(jobId));
  }

  /** One subscriber's view: the last `seq` it was sent. */
  private tracker(jobId: string): JobTracker<ImageJobProgress, ImageJobEvent> {
    let lastSeq = -1;
    return {
      snapshot: async () => {
        const job = (await (await this.queue.get()).getJob(jobId)) as ImageJob | undefined;
        if (!job) throw new NotFoundException({ error: 'NOT_FOUND', message: `image job ${jobId} no longer exists` });
        const s = await snapshotOf(job, this.present);
        const terminal = s.stage === 'done' || s.stage === 'failed';
        if (!terminal && s.seq <= lastSeq && lastSeq >= 0) return [];
        lastSeq = Math.max(lastSeq, s.seq);
        return [eventOf(s)];
      },
      progress: (d) => {
        const seq = d.seq ?? 0;
        // The failure itself is reported by the 'failed' event, with the job's final state.
        if (seq <= lastSeq || d.stage === 'failed' || d.stage === 'done') return [];
        lastSeq = seq;
        const { stage, percent, provider, reason } = d;
        return [
          {
            type: 'progress',
            job_id: jobId,
            stage,
            ...(percent !== undefined ? { percent } : {}),
            ...(provider ? { provider } : {}),
            ...(reason ? { reason } : {}),
          },
        ];
      },
      isFinal: (e) => e.type === 'done' || e.type === 'failed',
    };
  }
}

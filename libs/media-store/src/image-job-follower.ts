import { Inject, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { Observable } from 'rxjs';
import type { ImageJobEvent, ImageJobProgress } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import type { ImageJob } from './image-job-progress';
import { eventOf, IMAGE_JOB_PRESENTER, snapshotOf, type ImageJobPresenter } from './image-job-state';
import { IMAGE_QUEUE, IMAGE_QUEUE_EVENTS, type ImageQueue } from './image-queue';

type RawEvent = { kind: 'progress'; data: ImageJobProgress } | { kind: 'finished' };
type Listener = (e: RawEvent) => void;

/**
 * Follows image jobs through BullMQ's event stream (QueueEvents). A follower first gets the job's
 * current state, so one who subscribes late still sees `done`; live events that arrived while
 * the state was read are held back and replayed, and anything not newer than what was already
 * sent (by the worker's `seq`) is dropped, so events reach the client in order.
 */
@Injectable()
export class ImageJobFollower implements OnModuleInit {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    @Inject(IMAGE_QUEUE_EVENTS) private readonly events: QueueEvents,
    @Inject(IMAGE_QUEUE) private readonly queue: ImageQueue,
    @Inject(IMAGE_JOB_PRESENTER) private readonly present: ImageJobPresenter,
  ) {}

  onModuleInit() {
    this.events.on('progress', ({ jobId, data }) => this.dispatch(jobId, { kind: 'progress', data: data as ImageJobProgress }));
    this.events.on('completed', ({ jobId }) => this.dispatch(jobId, { kind: 'finished' }));
    this.events.on('failed', ({ jobId }) => this.dispatch(jobId, { kind: 'finished' }));
    this.events.on('error', (err) => getLogger().warn({ err }, 'image queue events error'));
  }

  private dispatch(jobId: string, e: RawEvent) {
    for (const l of this.listeners.get(jobId) ?? []) l(e);
  }

  /**
   * Events of one job until done or failed (then the Observable completes); errors with a 404
   * NotFoundException when the job no longer exists. Callers check ownership first.
   */
  follow(jobId: string): Observable<ImageJobEvent> {
    return new Observable<ImageJobEvent>((sub) => {
      let lastSeq = -1;
      let ended = false;
      let chain = Promise.resolve();
      const held: RawEvent[] = [];
      let live = false;
      const emitSnapshot = async () => {
        const job = (await this.queue.getJob(jobId)) as ImageJob | undefined;
        if (!job) throw new NotFoundException({ error: 'NOT_FOUND', message: `image job ${jobId} no longer exists` });
        const s = await snapshotOf(job, this.present);
        const terminal = s.stage === 'done' || s.stage === 'failed';
        if (!terminal && s.seq <= lastSeq && lastSeq >= 0) return;
        lastSeq = Math.max(lastSeq, s.seq);
        sub.next(eventOf(s));
        if (terminal) finish();
      };
      const handle = async (e: RawEvent) => {
        if (ended) return;
        if (e.kind === 'finished') return emitSnapshot();
        const seq = e.data.seq ?? 0;
        // The failure itself is reported by the 'failed' event, with the job's final state.
        if (seq <= lastSeq || e.data.stage === 'failed' || e.data.stage === 'done') return;
        lastSeq = seq;
        const { stage, percent, provider, reason } = e.data;
        sub.next({
          type: 'progress',
          job_id: jobId,
          stage,
          ...(percent !== undefined ? { percent } : {}),
          ...(provider ? { provider } : {}),
          ...(reason ? { reason } : {}),
        });
      };
      const enqueue = (e: RawEvent) => {
        chain = chain.then(() => handle(e)).catch((err) => fail(err));
      };
      const listener: Listener = (e) => (live ? enqueue(e) : held.push(e));
      const set = this.listeners.get(jobId) ?? new Set<Listener>();
      set.add(listener);
      this.listeners.set(jobId, set);
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
      chain = emitSnapshot()
        .then(() => {
          live = true;
          held.splice(0).forEach(enqueue);
        })
        .catch(fail);
      return () => {
        ended = true;
        set.delete(listener);
        if (!set.size) this.listeners.delete(jobId);
      };
    });
  }
}

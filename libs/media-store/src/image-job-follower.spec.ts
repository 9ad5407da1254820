import { EventEmitter } from 'node:events';
import { firstValueFrom, toArray } from 'rxjs';
import type { ImageJobEvent, ImageJobProgress, ImageJobResult } from '@nitro/contracts';
import { ImageJobFollower } from './image-job-follower';
import type { ImageJobPresenter } from './image-job-state';
import type { ImageQueueEventsHandle, ImageQueueHandle } from './image-queue';

/** The gateway's URLs, as its presenter builds them (apps/gateway/src/media/image-urls.ts). */
const present: ImageJobPresenter = {
  eventsUrl: (id) => `/images/jobs/${id}/events`,
  result: (id, prompt, r, finishedOn) => ({
    job_id: id,
    image_url: `/gallery/download/${r.images[0].filename}`,
    thumbnail_url: `/gallery/download/${r.images[0].filename}?variant=thumbnail`,
    filename: r.images[0].filename,
    images: [],
    ai_model: r.ai_model,
    ai_source: r.ai_source,
    prompt,
    seed: r.seed,
    timestamp: new Date(finishedOn ?? 0).toISOString(),
  }),
};

/** A job as BullMQ's getJob returns it, with a state the test moves along. */
class FakeJob {
  state = 'waiting';
  progress: ImageJobProgress | number = 0;
  returnvalue?: ImageJobResult;
  finishedOn?: number;
  failedReason?: string;
  attemptsMade = 0;
  timestamp = Date.parse('2026-11-28T10:00:00Z');
  data = { user_id: 'ann', prompt: 'a fox' };
  constructor(readonly id: string) {}
  async getState() {
    return this.state;
  }
}

const RESULT: ImageJobResult = {
  images: [
    {
      filename: 'img-1-0.png',
      user_id: 'ann',
      owner_uid: '0190f5a2-7c1e-4b8a-9d3f-2a6b8c0d1e4f',
      job_id: 'img-1',
      prompt: 'a fox',
      ai_model: 'm',
      ai_source: 'procedural',
      seed: 1,
      width: 64,
      height: 64,
      bytes: 10,
      thumbnail_bytes: 5,
      content_type: 'image/png',
      created_at: '2026-11-28T10:00:01.000Z',
    },
  ],
  ai_model: 'm',
  ai_source: 'procedural',
  seed: 1,
};

describe('ImageJobFollower (ordered replay + live events)', () => {
  let events: EventEmitter;
  let job: FakeJob;
  let slowRead: (() => void) | undefined;
  let svc: ImageJobFollower;

  beforeEach(() => {
    events = new EventEmitter();
    job = new FakeJob('img-1');
    slowRead = undefined;
    const queue = {
      getJob: async (id: string) => {
        if (slowRead) await new Promise<void>((resolve) => (slowRead = resolve));
        return id === job.id ? job : undefined;
      },
    };
    // The lazy handles as the module provides them, already made.
    const handle = <T>(value: unknown) => ({ get: async () => value }) as unknown as T;
    svc = new ImageJobFollower(handle<ImageQueueEventsHandle>(events), handle<ImageQueueHandle>(queue), present);
  });

  const progress = (p: ImageJobProgress) => events.emit('progress', { jobId: 'img-1', data: p });
  const collect = (): Promise<ImageJobEvent[]> => firstValueFrom(svc.follow('img-1').pipe(toArray()));
  const tick = () => new Promise((r) => setImmediate(r));

  it('starts with the current state, then live events in order, ending with done', async () => {
    const all = collect();
    await tick();
    progress({ stage: 'generating', percent: 0, seq: 10_001 });
    progress({ stage: 'generating', percent: 50, provider: 'procedural', seq: 10_002 });
    progress({ stage: 'storing', percent: 100, seq: 10_003 });
    Object.assign(job, { state: 'completed', returnvalue: RESULT, finishedOn: Date.now() });
    events.emit('completed', { jobId: 'img-1' });
    const got = await all;
    expect(got.map((e) => (e.type === 'progress' ? `${e.stage}:${e.percent ?? ''}` : e.type))).toEqual([
      'queued:',
      'generating:0',
      'generating:50',
      'storing:100',
      'done',
    ]);
    expect(got.at(-1)).toMatchObject({ type: 'done', image_url: '/gallery/download/img-1-0.png', ai_source: 'procedural' });
  });

  it('a late subscriber gets done at once and the stream ends', async () => {
    Object.assign(job, { state: 'completed', returnvalue: RESULT, progress: { stage: 'storing', seq: 10_003 } });
    expect((await collect()).map((e) => e.type)).toEqual(['done']);
  });

  it('events that arrive while the state is read are replayed after it, older ones dropped', async () => {
    slowRead = () => undefined;
    const all = collect();
    await tick();
    // The worker moves on while the snapshot is being read...
    progress({ stage: 'generating', percent: 20, seq: 10_002 });
    job.progress = { stage: 'generating', percent: 40, seq: 10_003 };
    job.state = 'active';
    progress({ stage: 'generating', percent: 40, seq: 10_003 });
    progress({ stage: 'storing', percent: 100, seq: 10_004 });
    const release = slowRead!;
    slowRead = undefined;
    release();
    await tick();
    Object.assign(job, { state: 'completed', returnvalue: RESULT });
    events.emit('completed', { jobId: 'img-1' });
    const got = await all;
    expect(got.map((e) => (e.type === 'progress' ? `${e.stage}:${e.percent}` : e.type))).toEqual(['generating:40', 'storing:100', 'done']);
  });

  it('a retry shows as queued again (its seq is newer), and a final failure carries the verdict', async () => {
    job.state = 'active';
    job.progress = { stage: 'generating', percent: 50, seq: 10_002 };
    const all = collect();
    await tick();
    progress({ stage: 'queued', reason: 'attempt 1 of 3 failed, retrying: all down', seq: 10_003 });
    progress({ stage: 'generating', percent: 0, seq: 20_001 });
    progress({ stage: 'failed', reason: 'all down', code: 'PROVIDER_FAILED', status: 503, seq: 20_002 });
    Object.assign(job, {
      state: 'failed',
      progress: { stage: 'failed', reason: 'all down', code: 'PROVIDER_FAILED', status: 503, seq: 20_002 },
    });
    events.emit('failed', { jobId: 'img-1', failedReason: 'all down' });
    const got = await all;
    expect(got.map((e) => e.stage)).toEqual(['generating', 'queued', 'generating', 'failed']);
    expect(got.at(-1)).toEqual({
      type: 'failed',
      job_id: 'img-1',
      stage: 'failed',
      reason: 'all down',
      code: 'PROVIDER_FAILED',
      status: 503,
    });
  });

  it('events of other jobs are not delivered; unsubscribing removes the listener', async () => {
    const seen: ImageJobEvent[] = [];
    const sub = svc.follow('img-1').subscribe((e) => seen.push(e));
    await tick();
    events.emit('progress', { jobId: 'img-2', data: { stage: 'storing', seq: 99_999 } });
    await tick();
    expect(seen.map((e) => e.stage)).toEqual(['queued']);
    sub.unsubscribe();
    progress({ stage: 'storing', seq: 10_005 });
    await tick();
    expect(seen).toHaveLength(1);
  });

  it('a job that vanished (retention over) ends the stream with 404', async () => {
    const err = await firstValueFrom(svc.follow('img-gone')).catch((e) => e);
    expect(err.getStatus()).toBe(404);
  });
});

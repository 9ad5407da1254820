import { UnrecoverableError } from 'bullmq';
import { loadConfig, MediaEnv } from '@nitro/config';
import type { ImageJobData, ImageJobProgress } from '@nitro/contracts';
import type { GalleryWriterService } from '../gallery/gallery-writer.service';
import type { GenerationOutcome, ImageGenerationService } from '../providers/image-generation.service';
import { ImageJobFailure } from './image-job.errors';
import { ImageJobProcessor } from './image-job.processor';

const UID = '0190f5a2-7c1e-4b8a-9d3f-2a6b8c0d1e4f';

/** Just the parts of a BullMQ job the processor touches. */
function fakeJob(attemptsMade = 0, attemptsStarted = attemptsMade + 1) {
  const updates: ImageJobProgress[] = [];
  const data: ImageJobData = { user_id: 'u', owner_uid: UID, prompt: 'p', width: 64, height: 64, count: 1, seed: 3, requested_at: '' };
  return {
    id: 'img-1',
    data,
    attemptsMade,
    attemptsStarted,
    timestamp: Date.now(),
    updates,
    updateProgress: async (p: ImageJobProgress) => void updates.push(p),
  };
}

describe('ImageJobProcessor', () => {
  const env = loadConfig(MediaEnv, { JOB_ATTEMPTS: '3' });
  const outcome: GenerationOutcome = {
    images: [Buffer.from('png')],
    provider: 'procedural',
    model: 'procedural-v1 (not an AI model)',
    fallbacks: [],
  };
  const processor = (generate: ImageGenerationService['generate']) =>
    new ImageJobProcessor(
      { generate } as ImageGenerationService,
      { store: async () => [{ filename: 'img-1-0.png' }] } as unknown as GalleryWriterService,
      env,
    );

  it('reports generating (throttled percents), then storing, with a growing seq; returns who drew it', async () => {
    const job = fakeJob();
    const result = await processor(async (_d, _s, onProgress) => {
      for (const p of [1, 2, 3, 10, 11, 50, 100]) onProgress('procedural', p);
      return outcome;
    }).process(job as never);
    expect(result).toMatchObject({ ai_source: 'procedural', seed: 3, images: [{ filename: 'img-1-0.png' }] });
    // The first report naming a provider always goes out; then only steps of 5 points, and 100.
    expect(job.updates.map((u) => [u.stage, u.percent, u.provider])).toEqual([
      ['generating', 0, undefined],
      ['generating', 1, 'procedural'],
      ['generating', 10, 'procedural'],
      ['generating', 50, 'procedural'],
      ['generating', 100, 'procedural'],
      ['storing', 100, 'procedural'],
    ]);
    const seqs = job.updates.map((u) => u.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('a later attempt numbers its events after every event of the earlier ones', async () => {
    const first = fakeJob(0, 1);
    const second = fakeJob(1, 2);
    const p = processor(async () => outcome);
    await p.process(first as never);
    await p.process(second as never);
    expect(second.updates[0].seq!).toBeGreaterThan(first.updates.at(-1)!.seq!);
  });

  it('a retryable failure with attempts left: rethrown for BullMQ to retry, progress back to queued with the reason', async () => {
    const job = fakeJob(0);
    const err = await processor(async () => {
      throw new ImageJobFailure(503, 'PROVIDER_FAILED', 'all down', true, 5000);
    })
      .process(job as never)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ImageJobFailure);
    expect(job.updates.at(-1)).toMatchObject({
      stage: 'queued',
      reason: expect.stringMatching(/attempt 1 of 3 failed, retrying: all down/),
    });
  });

  it('the last attempt: the verdict goes into the progress and BullMQ is told not to retry', async () => {
    const job = fakeJob(2);
    const err = await processor(async () => {
      throw new ImageJobFailure(503, 'PROVIDER_FAILED', 'all down', true);
    })
      .process(job as never)
      .catch((e) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(job.updates.at(-1)).toMatchObject({ stage: 'failed', code: 'PROVIDER_FAILED', status: 503, reason: 'all down' });
  });

  it('a non-retryable failure ends the job on the first attempt', async () => {
    const job = fakeJob(0);
    const err = await processor(async () => {
      throw new ImageJobFailure(400, 'PROVIDER_REJECTED', 'refused', false);
    })
      .process(job as never)
      .catch((e) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(job.updates.at(-1)).toMatchObject({ stage: 'failed', status: 400 });
  });

  it.each([
    ['no owner_uid (job data from before uids)', undefined],
    ['a username where the uid belongs', 'alice'],
  ])('%s: failed at once (400), nothing drawn or stored', async (_what, owner) => {
    const job = fakeJob(0);
    (job.data as { owner_uid?: string }).owner_uid = owner;
    let drawn = false;
    const err = await processor(async () => ((drawn = true), outcome))
      .process(job as never)
      .catch((e) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(drawn).toBe(false);
    expect(job.updates.at(-1)).toMatchObject({ stage: 'failed', status: 400, reason: expect.stringMatching(/owner_uid/) });
  });

  it('a storage error (not a provider verdict) is retried', async () => {
    const job = fakeJob(0);
    const p = new ImageJobProcessor(
      { generate: async () => outcome } as unknown as ImageGenerationService,
      { store: async () => Promise.reject(new Error('S3 down')) } as unknown as GalleryWriterService,
      env,
    );
    const err = await p.process(job as never).catch((e) => e);
    expect(err).toMatchObject({ retryable: true, status: 503, message: expect.stringMatching(/storing the picture failed: S3 down/) });
  });
});

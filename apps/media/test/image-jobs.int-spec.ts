import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  IMAGE_JOB_ATTEMPTS_CEILING,
  IMAGE_JOB_BACKOFF,
  MEDIA_QUEUE_PREFIX,
  MediaQueue,
  type ImageJobData,
  type ImageJobProgress,
  type ImageJobResult,
} from '@nitro/contracts';
import { freePort, RedisServerHandle, ServiceProcess, spawnService, startRedisServer, waitFor } from '@nitro/testing';
import { FakeVendor, picture, sendJson, startFakeVendor } from './support/fake-vendor';
import { LocalS3, startLocalS3 } from './support/local-s3';

const OWNER_UID = randomUUID();
const MEDIA = join(__dirname, '..', '..', '..', 'dist', 'apps', 'media', 'src', 'main.js');

/**
 * The media service as a real process working BullMQ jobs against a fake Stability server:
 * retry later on 429 (no procedural stand-in), no retry for a refused prompt, fallback on 5xx,
 * and the failure a caller will see written into the job.
 */
describe('image jobs in the media process (BullMQ, real Redis, s3rver, fake Stability)', () => {
  let redisServer: RedisServerHandle;
  let redis: Redis;
  let s3: LocalS3;
  let vendor: FakeVendor;
  let media: ServiceProcess;
  let queue: Queue<ImageJobData, ImageJobResult>;

  beforeAll(async () => {
    [redisServer, s3, vendor] = await Promise.all([startRedisServer(), startLocalS3(), startFakeVendor()]);
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    queue = new Queue(MediaQueue.images, { connection: redis, prefix: MEDIA_QUEUE_PREFIX });
    const port = await freePort();
    media = await spawnService({
      name: 'media-jobs',
      script: MEDIA,
      env: {
        ...s3.env,
        REDIS_URL: redisServer.url,
        HTTP_PORT: String(port),
        IMAGE_PROVIDERS: 'stability,procedural',
        STABILITY_API_KEY: 'sk-test',
        STABILITY_BASE_URL: vendor.url,
        STABILITY_TIMEOUT_MS: '2000',
        JOB_ATTEMPTS: '2',
        JOB_BACKOFF_MS: '100',
        RATE_LIMIT_BACKOFF_MS: '1000',
        GALLERY_SWEEP_INTERVAL_MS: '0',
      },
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
    });
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await media?.stop();
    await Promise.all([vendor?.close(), s3?.stop(), redisServer?.stop()]);
  });
  beforeEach(async () => {
    vendor.seen.splice(0);
    await redis.del('nitro:media:provider-backoff:stability');
  });

  /** Enqueues exactly as the gateway does and waits for the job to finish either way. */
  async function run(data: Partial<ImageJobData>): Promise<Job<ImageJobData, ImageJobResult>> {
    const jobId = `img-${randomBytes(12).toString('hex')}`;
    const full: ImageJobData = {
      user_id: 'jobs-test',
      owner_uid: OWNER_UID,
      prompt: 'a fox',
      width: 64,
      height: 64,
      count: 1,
      seed: 5,
      requested_at: new Date().toISOString(),
      ...data,
    };
    await queue.add('generate', full, { jobId, attempts: IMAGE_JOB_ATTEMPTS_CEILING, backoff: { type: IMAGE_JOB_BACKOFF } });
    await waitFor(async () => ['completed', 'failed'].includes(await queue.getJobState(jobId)), {
      timeoutMs: 30_000,
      description: `job ${jobId} finished`,
    });
    return (await queue.getJob(jobId))!;
  }
  const progress = (job: Job) => job.progress as ImageJobProgress;

  it('a picture from Stability is stored and named after it', async () => {
    const png = await picture(64, 64);
    vendor.respond((_req, res) => sendJson(res, 200, { image: png.toString('base64'), finish_reason: 'SUCCESS', seed: 5 }));
    const job = await run({});
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toMatchObject({
      ai_source: 'stability',
      ai_model: 'stable-image-core',
      images: [{ filename: `${job.id}-0.png`, ai_source: 'stability', width: 64, height: 64 }],
    });
  });

  it('429 -> the job is retried later (honouring Retry-After) rather than drawn by the procedural generator', async () => {
    const png = await picture(64, 64);
    let calls = 0;
    vendor.respond((_req, res) =>
      ++calls === 1
        ? sendJson(res, 429, { id: 'x', name: 'rate_limit_exceeded', errors: ['slow down'] }, { 'retry-after': '1' })
        : sendJson(res, 200, { image: png.toString('base64'), finish_reason: 'SUCCESS', seed: 5 }),
    );
    const job = await run({});
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue.ai_source).toBe('stability');
    // BullMQ counts finished attempts: the rate-limited one and the one that completed.
    expect(job.attemptsMade).toBe(2);
    expect(vendor.seen).toHaveLength(2);
  });

  it('429 on every attempt -> failed after JOB_ATTEMPTS with RATE_LIMITED, never a procedural picture', async () => {
    vendor.respond((_req, res) =>
      sendJson(res, 429, { id: 'x', name: 'rate_limit_exceeded', errors: ['slow down'] }, { 'retry-after': '1' }),
    );
    const job = await run({});
    expect(await job.getState()).toBe('failed');
    expect(progress(job)).toMatchObject({
      stage: 'failed',
      code: 'RATE_LIMITED',
      status: 503,
      reason: expect.stringMatching(/stability \(rate_limited.*procedural \(skipped/),
    });
    expect(vendor.seen).toHaveLength(2);
  });

  it('a refused prompt (400) fails at once: no retry, no fallback', async () => {
    vendor.respond((_req, res) =>
      sendJson(res, 400, { id: 'y', name: 'bad_request', errors: ['prompt: contains words that are not allowed'] }),
    );
    const job = await run({ prompt: 'forbidden words' });
    expect(await job.getState()).toBe('failed');
    expect(progress(job)).toMatchObject({
      stage: 'failed',
      code: 'PROVIDER_REJECTED',
      status: 400,
      reason: expect.stringMatching(/stability refused this request: .*not allowed/),
    });
    expect(vendor.seen).toHaveLength(1);
  });

  it('a 5xx falls back to the procedural generator, and the answer says so', async () => {
    vendor.respond((_req, res) => sendJson(res, 500, { id: 'z', name: 'internal_error', errors: ['An unexpected server error occurred'] }));
    const job = await run({});
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toMatchObject({
      ai_source: 'procedural',
      ai_model: 'procedural-v1 (not an AI model)',
      fallbacks: [{ provider: 'stability', reason: expect.stringMatching(/server_error: HTTP 500/) }],
    });
  });

  it('an explicitly chosen provider that is not configured -> 400 naming the variable', async () => {
    const job = await run({ provider: 'huggingface' });
    expect(progress(job)).toMatchObject({
      stage: 'failed',
      code: 'PROVIDER_NOT_CONFIGURED',
      status: 400,
      reason: expect.stringMatching(/HF_API_TOKEN/),
    });
  });
});

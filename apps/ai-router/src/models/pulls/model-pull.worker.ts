import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AiRouterEnv, redisTopology } from '@nitro/config';
import {
  MODEL_QUEUE_PREFIX,
  modelDownloadUrl,
  ModelQueue,
  parseModelUri,
  type ModelPullFailure,
  type ModelPullJobData,
  type ModelPullProgress,
  type ModelPullResult,
} from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { createBullmqConnection } from '@nitro/transport';
import { LocalModelFilesService } from '../local-files/local-model-files.service';
import { ModelRegistry } from '../model-registry.service';
import { fetchVerifiedModel, ModelDownloadError } from '../provisioning/model-fetcher';

/** Progress is written to the job at most this often (each write is a Redis round trip and a QueueEvents entry). */
const PROGRESS_EVERY_MS = 250;
const CLOSE_GRACE_MS = 10_000;
/** Network trouble is worth another attempt (the partial file is kept and resumed); refusals are not. */
const RETRYABLE = new Set(['timeout', 'stalled', 'unreachable']);

/**
 * Runs model pulls (BullMQ jobs the gateway's POST /admin/models/pull adds) with the one downloader,
 * fetchVerifiedModel: GGUF check, size limit (MODEL_PULL_MAX_BYTES), optional sha256, partial files in
 * MODELS_DIR/.incoming resumed by the next attempt. Progress goes to the job (job.updateProgress), which
 * BullMQ publishes as QueueEvents `progress`. On shutdown a running pull is put back in the queue
 * (job.moveToWait + WaitingError), so the next replica or restart resumes it; a killed process's pull
 * comes back through BullMQ's stalled-job check once its lock expires (30 s).
 */
@Injectable()
export class ModelPullWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker?: Worker<ModelPullJobData, ModelPullResult>;
  private connection?: Redis;
  private closing = false;
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly env: AiRouterEnv,
    private readonly files: LocalModelFilesService,
    private readonly registry: ModelRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<ModelPullJobData, ModelPullResult>(ModelQueue.pulls, (job, token) => this.process(job, token), {
      connection: (this.connection = createBullmqConnection(redisTopology(this.env), 'ai-router', 'model-pulls')),
      prefix: MODEL_QUEUE_PREFIX,
      name: `ai-router-${process.pid}`,
      concurrency: 2,
      maxStalledCount: 3,
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 86_400 },
    });
    this.worker.on('error', (err) => getLogger().warn({ err }, 'model pull worker error'));
    this.worker.on('stalled', (jobId) => getLogger().warn({ jobId }, 'model pull stalled (its replica died); it resumes'));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const ac of this.running.values()) ac.abort(new Error('shutting down'));
    const closing = Promise.resolve(this.worker?.close());
    await Promise.race([closing, new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref())]).catch(() => undefined);
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  private async process(job: Job<ModelPullJobData, ModelPullResult>, token?: string): Promise<ModelPullResult> {
    const ac = new AbortController();
    this.running.set(job.id ?? '', ac);
    const progress = progressWriter(job);
    const log = getLogger().child({ jobId: job.id, model: job.data.model });
    try {
      const parsed = parseModelUri(job.data.model);
      if (!parsed) throw new ModelDownloadError('bad_url', `not a model URI: ${job.data.model}`);
      await progress({ state: 'downloading' }, true);
      log.info({ attempt: job.attemptsMade + 1 }, 'model pull started');
      const got = await fetchVerifiedModel({
        url: modelDownloadUrl(parsed, this.env.MODEL_HF_ENDPOINT),
        sha256: job.data.sha256 ?? null,
        allowUnverified: true,
        // The gateway refused a taken name without `replace` (409 MODEL_EXISTS); a file that appeared since is kept.
        replaceExisting: job.data.replace === true,
        beforeReplace: (path) => this.files.unloadForReplace(path),
        // A URL from a request: never the cloud metadata service (loopback mirrors stay allowed; docs/security.md).
        refuseLinkLocal: true,
        modelsDir: this.files.modelsDir,
        fileName: job.data.file_name,
        answerTimeoutMs: this.env.MODEL_DOWNLOAD_ANSWER_TIMEOUT_MS,
        stallTimeoutMs: this.env.MODEL_DOWNLOAD_STALL_TIMEOUT_MS,
        maxBytes: this.env.MODEL_PULL_MAX_BYTES,
        signal: ac.signal,
        onStart: (s) => void progress({ state: 'downloading', total: s.totalBytes }, true),
        onNotice: (message) => log.info(message),
        onProgress: (p) =>
          void progress({
            state: p.totalBytes > 0 && p.downloadedBytes >= p.totalBytes ? 'verifying' : 'downloading',
            bytes: p.downloadedBytes,
            total: p.totalBytes,
            rate: Math.round(p.bytesPerSecond),
            eta_ms: p.etaSeconds === null ? null : Math.round(p.etaSeconds * 1000),
          }),
      });
      await this.files.remember(got.path, got.sha256);
      // The new file is served at once (GET /models, /v1/models) without waiting for MODELS_REFRESH_MS.
      await this.registry.refresh();
      await progress({ state: 'done', bytes: got.sizeBytes, total: got.sizeBytes, rate: 0, eta_ms: 0 }, true);
      log.info({ bytes: got.sizeBytes, sha256: got.sha256, alreadyPresent: got.alreadyPresent }, 'model pull done');
      return {
        name: job.data.file_name,
        size_bytes: got.sizeBytes,
        sha256: got.sha256,
        verified: !!job.data.sha256,
        already_present: got.alreadyPresent,
      };
    } catch (err) {
      if (this.closing && ac.signal.aborted) {
        // Back to the queue, attempts untouched: the next worker resumes the partial file.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const e = err instanceof ModelDownloadError ? err : new ModelDownloadError('cancelled', (err as Error).message);
      const failure = (err instanceof ModelDownloadError ? e.code : 'internal') as ModelPullFailure;
      const last = !RETRYABLE.has(failure) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await progress({ state: last ? 'failed' : 'queued', reason: e.message, failure }, true);
      log.warn({ failure, reason: e.message, final: last }, 'model pull failed');
      throw last ? new UnrecoverableError(e.message) : e;
    } finally {
      this.running.delete(job.id ?? '');
    }
  }
}

/**
 * Writes the job's progress: merged with the last one, numbered (seq grows across attempts), at most
 * every PROGRESS_EVERY_MS; a throttled update is written when that time is up, so the newest state
 * always lands even when the transfer then stops moving. Forced writes (state changes) go at once.
 */
function progressWriter(job: Job<ModelPullJobData, ModelPullResult>) {
  const prev = (typeof job.progress === 'object' ? job.progress : {}) as Partial<ModelPullProgress>;
  let current: ModelPullProgress = {
    state: 'queued',
    bytes: prev.bytes ?? 0,
    total: prev.total ?? 0,
    rate: 0,
    eta_ms: null,
    seq: prev.seq ?? 0,
  };
  let lastWrite = 0;
  let trailing: NodeJS.Timeout | undefined;
  let writing = Promise.resolve();
  const write = (): Promise<void> => {
    clearTimeout(trailing);
    trailing = undefined;
    lastWrite = Date.now();
    current.seq += 1;
    const snapshot = { ...current };
    writing = writing
      .then(() => job.updateProgress(snapshot))
      .catch((err) => getLogger().debug({ err }, 'model pull progress not written'));
    return writing;
  };
  return async (p: Partial<ModelPullProgress>, force = false): Promise<void> => {
    const { reason: _r, failure: _f, ...kept } = current;
    current = { ...kept, ...p, bytes: Math.max(kept.bytes, p.bytes ?? 0) };
    if (force || Date.now() - lastWrite >= PROGRESS_EVERY_MS) return write();
    trailing ??= setTimeout(() => void write(), PROGRESS_EVERY_MS - (Date.now() - lastWrite));
  };
}

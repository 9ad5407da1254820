import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { randomBytes } from 'node:crypto';
import type { Observable } from 'rxjs';
import {
  AI_ROUTER_CLIENT,
  ERROR_CODE,
  MODEL_ADMIN_PATTERNS,
  parseModelUri,
  type AdminModelListDto,
  type LocalModelDeletedDto,
  type LocalModelFilesDto,
  type ModelPullAcceptedDto,
  type ModelPullEvent,
  type ModelPullJobData,
  type ModelPullRequestDto,
  type ModelPullStatusDto,
} from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { AuthUser, assertAdmin } from '../auth/auth-user';
import { call } from '../services/service-call';
import { MODEL_PULL_QUEUE, type ModelPullQueueHandle } from './model-pull-queue';
import { pullStatusOf, pullStatusUrl, pullNotFound, readPullStatus, type ModelPullJob } from './model-pull-status';
import { ModelPullFollower } from './model-pull.follower';

const LIVE_STATES = ['active', 'waiting', 'delayed', 'prioritized'] as const;
/** Network trouble is retried (the partial file is resumed); refusals fail at once (the worker decides). */
const PULL_ATTEMPTS = 3;
const PULL_BACKOFF = { type: 'exponential', delay: 5_000 } as const;

/**
 * The admin's model management: local files (ai-router owns MODELS_DIR and answers over the
 * transport), pulls as BullMQ jobs (added here, run by ai-router, followed through QueueEvents),
 * deletion. Every method is for the admin only (403 for others, 401 without a token).
 */
@Injectable()
export class AdminModelsService {
  constructor(
    @Inject(AI_ROUTER_CLIENT) private readonly aiRouter: ClientProxy,
    @Inject(MODEL_PULL_QUEUE) private readonly queue: ModelPullQueueHandle,
    private readonly follower: ModelPullFollower,
  ) {}

  async list(admin: AuthUser): Promise<AdminModelListDto> {
    assertAdmin(admin);
    const [files, pulls] = await Promise.all([
      call<LocalModelFilesDto>(this.aiRouter, MODEL_ADMIN_PATTERNS.files, {}),
      this.livePulls().then((jobs) => Promise.all(jobs.map(async (j) => strip(await pullStatusOf(j))))),
    ]);
    return { ...files, pulls };
  }

  /**
   * Queues a pull. The same source (URI with its revision, and sha256) already queued or running is
   * answered with that job; another source for the same file name while a pull runs is 409
   * MODEL_EXISTS. A file of that name already there is 409 MODEL_EXISTS unless `replace`, and a
   * replace of a file that is generating an answer (or is LOCAL_MODEL_PATH) is 409 MODEL_IN_USE.
   */
  async pull(admin: AuthUser, dto: ModelPullRequestDto): Promise<ModelPullAcceptedDto> {
    assertAdmin(admin);
    const fileName = parseModelUri(dto.model)!.fileName; // the DTO validated it
    const sha256 = dto.sha256?.toLowerCase();
    const source = sourceKey(dto.model, sha256);
    const sameName = (await this.livePulls()).filter((j) => j.data.file_name === fileName);
    const running = sameName.find((j) => sourceKey(j.data.model, j.data.sha256) === source);
    if (running) return accepted(running.id ?? '', fileName, (await pullStatusOf(running)).state, true);
    if (sameName.length)
      throw new ConflictException({
        error: ERROR_CODE.MODEL_EXISTS,
        message: `another pull (${sameName[0].id}, from ${sameName[0].data.model}) is writing ${fileName}; wait for it or delete the file after`,
        details: { name: fileName, job_id: sameName[0].id },
      });
    await this.assertReplaceable(fileName, dto.replace === true);
    const jobId = `pull-${randomBytes(12).toString('hex')}`;
    const data: ModelPullJobData = {
      model: dto.model,
      file_name: fileName,
      ...(sha256 ? { sha256 } : {}),
      ...(dto.replace ? { replace: true } : {}),
      requested_by: admin.id,
      requested_at: new Date().toISOString(),
    };
    await (await this.queue.get()).add('pull', data, { jobId, attempts: PULL_ATTEMPTS, backoff: PULL_BACKOFF });
    getLogger().info({ admin: admin.id, jobId, model: dto.model, file: fileName, replace: !!dto.replace }, 'model pull queued');
    return accepted(jobId, fileName, 'queued', false);
  }

  private async assertReplaceable(fileName: string, replace: boolean): Promise<void> {
    const files = await call<LocalModelFilesDto>(this.aiRouter, MODEL_ADMIN_PATTERNS.files, {});
    const found = files.models.find((m) => m.name === fileName);
    if (!found) return;
    if (!replace)
      throw new ConflictException({
        error: ERROR_CODE.MODEL_EXISTS,
        message: `${fileName} is already installed (sha256 ${found.sha256}); send "replace": true to replace it once the new file verified`,
        details: { name: fileName, sha256: found.sha256 },
      });
    if (found.source === 'LOCAL_MODEL_PATH' || found.busy)
      throw new ConflictException({
        error: ERROR_CODE.MODEL_IN_USE,
        message:
          found.source === 'LOCAL_MODEL_PATH'
            ? `${fileName} is LOCAL_MODEL_PATH (configuration, not managed here)`
            : `${fileName} is generating an answer now; replace it when it is idle`,
        details: { name: fileName },
      });
  }

  async status(admin: AuthUser, jobId: string): Promise<ModelPullStatusDto> {
    assertAdmin(admin);
    await this.job(jobId);
    const status = await readPullStatus(await this.queue.get(), jobId);
    if (!status) throw pullNotFound(jobId);
    return strip(status);
  }

  async follow(admin: AuthUser, jobId: string): Promise<Observable<ModelPullEvent>> {
    assertAdmin(admin);
    await this.job(jobId);
    return this.follower.follow(jobId);
  }

  remove(admin: AuthUser, name: string): Promise<LocalModelDeletedDto> {
    assertAdmin(admin);
    return call<LocalModelDeletedDto>(this.aiRouter, MODEL_ADMIN_PATTERNS.deleteFile, { name });
  }

  private async job(jobId: string): Promise<ModelPullJob> {
    const job = (await (await this.queue.get()).getJob(jobId)) as ModelPullJob | undefined;
    if (!job) throw pullNotFound(jobId);
    return job;
  }

  private async livePulls(): Promise<ModelPullJob[]> {
    return (await (await this.queue.get()).getJobs([...LIVE_STATES], 0, 99)).filter((j): j is ModelPullJob => !!j);
  }
}

function accepted(jobId: string, fileName: string, state: ModelPullAcceptedDto['state'], already: boolean): ModelPullAcceptedDto {
  return { job_id: jobId, state, file_name: fileName, status_url: pullStatusUrl(jobId), already_running: already };
}

/** What makes two pulls the same: the URI (an hf: URI's revision defaults to main) and the digest. */
function sourceKey(model: string, sha256?: string): string {
  const parsed = parseModelUri(model);
  const where = !parsed ? model : parsed.kind === 'url' ? parsed.url : `hf:${parsed.user}/${parsed.repo}/${parsed.path}#${parsed.revision}`;
  return `${where} ${sha256?.toLowerCase() ?? ''}`;
}

function strip(s: ModelPullStatusDto & { seq: number }): ModelPullStatusDto {
  const { seq: _seq, ...dto } = s;
  return dto;
}

import { HttpException, HttpStatus, Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { randomBytes, randomInt } from 'node:crypto';
import { firstValueFrom, Observable, filter, timeout, of } from 'rxjs';
import { GatewayEnv } from '@nitro/config';
import {
  GenerateImageDto,
  GenerateImageResultDto,
  IMAGE_JOB_ATTEMPTS_CEILING,
  IMAGE_JOB_BACKOFF,
  IMAGE_LIMITS,
  ImageJobAcceptedDto,
  ImageJobData,
  ImageJobEvent,
  ImageJobStatusDto,
  ImageProviderStatusDto,
  MEDIA_CLIENT,
  MEDIA_PATTERNS,
} from '@nitro/contracts';
import { AuthUser, assertCanAccess } from '../auth/auth-user';
import { UserUids } from '../users/user-uids.service';
import { call } from '../services/service-call';
import { IMAGE_QUEUE, ImageJobFollower, snapshotOf, type ImageJob, type ImageQueueHandle } from '@nitro/media-store';
import { imageJobPresenter, imageUrls } from './image-urls';

/** Redis calls on the request path fail fast instead of holding the client while Redis is away. */
const REDIS_DEADLINE_MS = 5_000;

/**
 * Image jobs at the edge: validate, refuse when the queue is full (429), enqueue straight into
 * BullMQ (no hop through the media service: the 202 costs two Redis round trips), and read status
 * and progress from BullMQ. A job belongs to the account whose uid is in its data (`owner_uid`, from
 * UserUids): anyone else, including a later account with the same username, gets 404.
 */
@Injectable()
export class ImageJobsService {
  constructor(
    @Inject(IMAGE_QUEUE) private readonly queue: ImageQueueHandle,
    @Inject(MEDIA_CLIENT) private readonly media: ClientProxy,
    private readonly events: ImageJobFollower,
    private readonly env: GatewayEnv,
    private readonly uids: UserUids,
  ) {}

  /** Queues the job; with `wait`, answers the result when it is done in IMAGE_WAIT_MS (200), else the accepted job (202). */
  async submit(
    user: AuthUser,
    dto: GenerateImageDto,
    wait: boolean,
  ): Promise<{ status: HttpStatus.ACCEPTED; body: ImageJobAcceptedDto } | { status: HttpStatus.OK; body: GenerateImageResultDto }> {
    assertCanAccess(user, dto.user_id);
    const [ownerUid] = await Promise.all([this.uids.of(dto.user_id), this.assertCapacity()]);
    const s = dto.settings ?? {};
    const data: ImageJobData = {
      user_id: dto.user_id,
      owner_uid: ownerUid,
      prompt: dto.prompt.trim(),
      ...(s.negative_prompt?.trim() ? { negative_prompt: s.negative_prompt.trim() } : {}),
      ...(s.style_preset ? { style_preset: s.style_preset } : {}),
      ...(s.provider ? { provider: s.provider } : {}),
      width: s.width ?? IMAGE_LIMITS.defaultSize,
      height: s.height ?? IMAGE_LIMITS.defaultSize,
      count: s.count ?? 1,
      // Picked here when not given, so every attempt of the job draws the same picture and the answer can report it.
      seed: s.seed ?? randomInt(0, IMAGE_LIMITS.maxSeed),
      requested_at: new Date().toISOString(),
    };
    const jobId = `img-${randomBytes(12).toString('hex')}`;
    await deadline(
      this.queue
        .get()
        .then((q) => q.add('generate', data, { jobId, attempts: IMAGE_JOB_ATTEMPTS_CEILING, backoff: { type: IMAGE_JOB_BACKOFF } })),
      'enqueueing the image job',
    );
    const accepted: ImageJobAcceptedDto = {
      job_id: jobId,
      status: 'queued',
      status_url: imageUrls.status(jobId),
      events_url: imageUrls.events(jobId),
    };
    const queued = { status: HttpStatus.ACCEPTED as const, body: accepted };
    if (!wait || !this.env.IMAGE_WAIT_MS) return queued;
    const end = await firstValueFrom(
      this.events.follow(jobId).pipe(
        filter((e) => e.type !== 'progress'),
        timeout({ first: this.env.IMAGE_WAIT_MS, with: () => of(null) }),
      ),
      { defaultValue: null },
    );
    if (!end) return queued;
    if (end.type === 'failed') throw new HttpException({ error: end.code, message: end.reason, details: { job_id: jobId } }, end.status);
    return { status: HttpStatus.OK, body: stripEventFields(end) };
  }

  async status(user: AuthUser, jobId: string): Promise<ImageJobStatusDto> {
    const { seq: _seq, ...status } = await snapshotOf(await this.owned(jobId, user), imageJobPresenter);
    return status;
  }

  async follow(user: AuthUser, jobId: string): Promise<Observable<ImageJobEvent>> {
    await this.owned(jobId, user);
    return this.events.follow(jobId);
  }

  providers(): Promise<ImageProviderStatusDto[]> {
    return call(this.media, MEDIA_PATTERNS.providers, {});
  }

  /** Another user's job is answered exactly like a job that does not exist. */
  private async owned(jobId: string, user: AuthUser): Promise<ImageJob> {
    const job = (await deadline(
      this.queue.get().then((q) => q.getJob(jobId)),
      'reading the image job',
    )) as ImageJob | undefined;
    const mine = !!job && !!user && (user.role === 'admin' || job.data.owner_uid === (await this.uids.of(user.id)));
    if (!mine) throw new NotFoundException({ error: 'NOT_FOUND', message: `no image job ${jobId} (finished jobs are kept for a day)` });
    return job!;
  }

  private async assertCapacity(): Promise<void> {
    const waiting = await deadline(
      this.queue.get().then((q) => q.getWaitingCount()),
      'reading the queue length',
    );
    if (waiting >= this.env.IMAGE_MAX_WAITING_JOBS) {
      throw new HttpException(
        {
          error: 'QUEUE_FULL',
          message: `${waiting} image jobs are waiting (limit ${this.env.IMAGE_MAX_WAITING_JOBS}); try again in ${this.env.IMAGE_RETRY_AFTER_S} s`,
          retryAfter: this.env.IMAGE_RETRY_AFTER_S,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }
}

function stripEventFields(e: Extract<ImageJobEvent, { type: 'done' }>): GenerateImageResultDto {
  const { type: _t, stage: _s, ...result } = e;
  return result;
}

async function deadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ServiceUnavailableException({
            error: 'REDIS_UNAVAILABLE',
            message: `${what} took longer than ${REDIS_DEADLINE_MS} ms: Redis is not answering`,
          }),
        ),
      REDIS_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

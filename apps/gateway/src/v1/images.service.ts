import { HttpException, Injectable } from '@nestjs/common';
import { firstValueFrom, filter, fromEvent, takeUntil, timeout } from 'rxjs';
import {
  ERROR_CODE,
  IMAGE_LIMITS,
  IMAGE_PROVIDER_NAMES,
  IMAGE_SIZE_PATTERN,
  type GenerateImageDto,
  type ImageGenerationRequestDto,
  type ImageProviderName,
} from '@nitro/contracts';
import type { AuthUser } from '../auth/auth-user';
import { clientClosed } from '../common/request-params.decorators';
import { GalleryService } from '../media/gallery.service';
import { ImageJobsService } from '../media/image-jobs.service';
import { invalid } from './chat-messages.util';

/** OpenAI's image models: the configured provider chain. */
const OPENAI_IMAGE_MODELS = ['dall-e-2', 'dall-e-3', 'gpt-image-1'];
/** How long POST /v1/images/generations waits for the job (the SDK waits too). */
const WAIT_MS = 300_000;

/** POST /v1/images/generations: an image job through the media queue, waited for, answered in OpenAI's shape. */
@Injectable()
export class ImagesService {
  constructor(
    private readonly jobs: ImageJobsService,
    private readonly gallery: GalleryService,
  ) {}

  async generate(user: AuthUser, dto: ImageGenerationRequestDto, signal: AbortSignal) {
    const { width, height } = size(dto.size);
    const provider = providerOf(dto.model);
    const job: GenerateImageDto = {
      prompt: dto.prompt,
      user_id: user.id,
      settings: { width, height, count: dto.n ?? 1, ...(provider ? { provider } : {}) },
    } as GenerateImageDto;
    const accepted = await this.jobs.submit(user, job, false);
    const jobId = (accepted.body as { job_id: string }).job_id;
    const end = await firstValueFrom(
      (await this.jobs.follow(user, jobId)).pipe(
        filter((e) => e.type === 'done' || e.type === 'failed'),
        takeUntil(fromEvent(signal, 'abort')),
        timeout({ first: WAIT_MS }),
      ),
      { defaultValue: undefined },
    ).catch(() => {
      throw new HttpException(
        {
          error: ERROR_CODE.TIMEOUT,
          message: `the image job ${jobId} did not finish within ${WAIT_MS / 1000} s; follow it at GET /images/jobs/${jobId}`,
        },
        504,
      );
    });
    if (!end) throw clientClosed();
    if (end.type === 'failed') throw new HttpException({ error: end.code, message: end.reason, details: { job_id: jobId } }, end.status);
    if (end.type !== 'done') throw new HttpException({ error: ERROR_CODE.BAD_GATEWAY, message: 'the image job ended without images' }, 502);
    const b64 = dto.response_format === 'b64_json';
    const data = await Promise.all(
      end.images.map(async (img) =>
        b64 ? { b64_json: await this.bytes(user, img.filename), revised_prompt: end.prompt } : { url: img.url, revised_prompt: end.prompt },
      ),
    );
    return { created: Math.floor(Date.now() / 1000), data };
  }

  private async bytes(user: AuthUser, filename: string): Promise<string> {
    const file = await this.gallery.download(user, filename, 'original');
    const chunks: Buffer[] = [];
    for await (const c of file.getStream()) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks).toString('base64');
  }
}

function size(value: string | undefined): { width: number; height: number } {
  if (value === undefined || value === 'auto') return { width: IMAGE_LIMITS.defaultSize, height: IMAGE_LIMITS.defaultSize };
  const m = IMAGE_SIZE_PATTERN.exec(value);
  const [w, h] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  const ok = (n: number) => n >= IMAGE_LIMITS.minSize && n <= IMAGE_LIMITS.maxSize && n % IMAGE_LIMITS.sizeStep === 0;
  if (!ok(w) || !ok(h))
    throw invalid(
      'size',
      `size must be WIDTHxHEIGHT with each side ${IMAGE_LIMITS.minSize}-${IMAGE_LIMITS.maxSize} and a multiple of ${IMAGE_LIMITS.sizeStep} (e.g. 512x512)`,
    );
  return { width: w, height: h };
}

function providerOf(model: string | undefined): ImageProviderName | undefined {
  if (!model || OPENAI_IMAGE_MODELS.includes(model)) return undefined;
  if ((IMAGE_PROVIDER_NAMES as readonly string[]).includes(model)) return model as ImageProviderName;
  throw new HttpException(
    {
      error: ERROR_CODE.MODEL_NOT_FOUND,
      message: `The image model \`${model}\` does not exist. Models: ${[...OPENAI_IMAGE_MODELS, ...IMAGE_PROVIDER_NAMES].join(', ')}.`,
      details: { param: 'model' },
    },
    404,
  );
}

import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { MediaEnv } from '@nitro/config';
import type { ImageJobData, ImageProviderName, ProviderAttemptDto } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { IMAGE_ERROR_CODES as CODES, ImageJobFailure } from '../jobs/image-job.errors';
import { ImageProvider, ImageProviderError } from './image-provider.interface';
import { ImageProviderRegistry } from './image-provider.registry';
import { ProviderBackoffStore } from './provider-backoff.store';
import { imageMetrics } from '../media.metrics';

export interface GenerationOutcome {
  /** PNGs at exactly the requested size. */
  images: Buffer[];
  provider: ImageProviderName;
  model: string;
  fallbacks: ProviderAttemptDto[];
}

type Fallback = ProviderAttemptDto;

/**
 * Tries providers in IMAGE_PROVIDERS order (or only the one asked for). A refused prompt fails the
 * job; a missing key skips to the next provider; timeouts, 5xx and unreachable servers fall back,
 * and if nothing served the job is retried with backoff. A 429 is "come back later": that provider
 * rests for its Retry-After (shared through Redis) and the procedural generator does not stand in
 * for it, so a user with a real provider gets a real picture a little later rather than a fake now.
 */
@Injectable()
export class ImageGenerationService {
  constructor(
    private readonly registry: ImageProviderRegistry,
    private readonly backoff: ProviderBackoffStore,
    private readonly env: MediaEnv,
  ) {}

  async generate(
    data: ImageJobData,
    signal: AbortSignal,
    onProgress: (provider: string, percent: number) => void,
  ): Promise<GenerationOutcome> {
    const explicit = !!data.provider;
    const order = data.provider ? [data.provider] : this.registry.order;
    const fallbacks: Fallback[] = [];
    let retryable = false;
    let rateLimited = false;
    let retryAfterMs: number | undefined;
    const later = (ms?: number) => (retryAfterMs = ms === undefined ? retryAfterMs : Math.max(retryAfterMs ?? 0, ms));

    for (const name of order) {
      const provider = this.registry.get(name);
      const missing = provider.unavailable();
      if (missing) {
        if (explicit) throw new ImageJobFailure(400, CODES.notConfigured, `settings.provider "${name}" is ${missing}`, false);
        fallbacks.push({ provider: name, reason: missing });
        continue;
      }
      if (!provider.ai && rateLimited && !explicit) {
        fallbacks.push({ provider: name, reason: 'skipped: a configured AI provider asked us to retry later' });
        continue;
      }
      const wait = await this.backoff.remaining(name);
      if (wait > 0) {
        fallbacks.push({ provider: name, reason: `rate_limited: resting for ${Math.ceil(wait / 1000)} s more` });
        [retryable, rateLimited] = [true, true];
        later(wait);
        continue;
      }
      try {
        const { images, model } = await this.attempt(provider, data, signal, onProgress);
        return { images, provider: name, model, fallbacks };
      } catch (err) {
        if (signal.aborted) throw err;
        const e = err instanceof ImageProviderError ? err : new ImageProviderError(name, 'bad_response', (err as Error).message);
        if (!(err instanceof ImageProviderError)) getLogger().warn({ err, provider: name }, 'image provider failed unexpectedly');
        if (e.kind === 'rejected') throw new ImageJobFailure(400, CODES.rejected, `${name} refused this request: ${e.message}`, false);
        fallbacks.push({ provider: name, reason: e.reason });
        if (e.kind === 'config') continue;
        retryable = true;
        if (e.kind === 'rate_limited') {
          rateLimited = true;
          const ms = e.retryAfterMs ?? this.env.RATE_LIMIT_BACKOFF_MS;
          await this.backoff.set(name, ms);
          later(ms);
        } else later(e.retryAfterMs);
      }
    }
    const tried = fallbacks.map((f) => `${f.provider} (${f.reason})`).join(', ');
    if (retryable)
      throw new ImageJobFailure(
        503,
        rateLimited ? CODES.rateLimited : CODES.providerFailed,
        `no provider could draw it now: ${tried}`,
        true,
        retryAfterMs,
      );
    throw new ImageJobFailure(
      503,
      CODES.noProvider,
      `no image provider is available: ${tried}. Configure one of them, or add procedural to IMAGE_PROVIDERS for offline pictures`,
      false,
    );
  }

  private async attempt(
    provider: ImageProvider,
    data: ImageJobData,
    signal: AbortSignal,
    onProgress: (provider: string, percent: number) => void,
  ): Promise<{ images: Buffer[]; model: string }> {
    const stop = imageMetrics.providerSeconds.startTimer({ provider: provider.name });
    try {
      const out = await provider.generate({ ...data, signal, onProgress: (p) => onProgress(provider.name, p) });
      if (out.images.length !== data.count)
        throw new ImageProviderError(provider.name, 'bad_response', `asked for ${data.count} images, got ${out.images.length}`);
      const images = await Promise.all(out.images.map((img) => toPng(provider.name, img, data.width, data.height)));
      stop({ outcome: 'ok' });
      return { images, model: out.model };
    } catch (err) {
      stop({ outcome: err instanceof ImageProviderError ? err.kind : 'error' });
      throw err;
    }
  }
}

/** Every stored image is a PNG of exactly the size asked for, whatever the vendor sent. */
export async function toPng(provider: string, image: Buffer, width: number, height: number): Promise<Buffer> {
  try {
    const meta = await sharp(image).metadata();
    if (meta.format === 'png' && meta.width === width && meta.height === height) return image;
    return await sharp(image).resize(width, height, { fit: 'cover' }).png({ compressionLevel: 6 }).toBuffer();
  } catch (err) {
    throw new ImageProviderError(provider, 'bad_response', `the answer is not a readable image (${(err as Error).message})`);
  }
}

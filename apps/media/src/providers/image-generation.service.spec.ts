import sharp from 'sharp';
import { loadConfig, MediaEnv } from '@nitro/config';
import type { ImageJobData, ImageProviderName } from '@nitro/contracts';
import { ImageJobFailure } from '../jobs/image-job.errors';
import { ImageGenerationService } from './image-generation.service';
import { GeneratedImages, ImageProvider, ImageProviderError } from './image-provider.interface';
import type { ImageProviderRegistry } from './image-provider.registry';
import type { ProviderBackoffStore } from './provider-backoff.store';

const UID = '0190f5a2-7c1e-4b8a-9d3f-2a6b8c0d1e4f';

/** A provider whose behaviour the test scripts: an image, an error, or "not configured". */
function fake(name: ImageProviderName, behaviour: 'ok' | 'missing' | ImageProviderError, ai = true): ImageProvider & { calls: number } {
  return {
    name,
    ai,
    calls: 0,
    unavailable: () => (behaviour === 'missing' ? `not configured: set ${name.toUpperCase()}_KEY` : null),
    model: () => `${name}-model`,
    async generate(req): Promise<GeneratedImages> {
      this.calls++;
      if (behaviour instanceof ImageProviderError) throw behaviour;
      req.onProgress(100);
      const img = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#888' } })
        .jpeg()
        .toBuffer();
      return { images: Array.from({ length: req.count }, () => img), model: `${name}-model` };
    },
  };
}

class MemoryBackoff {
  readonly until = new Map<string, number>();
  async set(p: string, ms: number) {
    this.until.set(p, ms);
  }
  async remaining(p: string) {
    return this.until.get(p) ?? 0;
  }
}

describe('ImageGenerationService (provider order and fallback)', () => {
  const data: ImageJobData = { user_id: 'u', owner_uid: UID, prompt: 'p', width: 64, height: 48, count: 2, seed: 1, requested_at: '' };
  const signal = new AbortController().signal;
  const setup = (providers: ImageProvider[], order = providers.map((p) => p.name)) => {
    const backoff = new MemoryBackoff();
    const registry = { order, get: (n: ImageProviderName) => providers.find((p) => p.name === n)! } as unknown as ImageProviderRegistry;
    const env = loadConfig(MediaEnv, { RATE_LIMIT_BACKOFF_MS: '30000' });
    return { svc: new ImageGenerationService(registry, backoff as unknown as ProviderBackoffStore, env), backoff };
  };
  const failureOf = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => null,
      (e) => e,
    );
    expect(err).toBeInstanceOf(ImageJobFailure);
    return err as ImageJobFailure;
  };

  it('skips unconfigured providers, names why, and returns PNGs of exactly the requested size', async () => {
    const { svc } = setup([fake('stability', 'missing'), fake('openai', 'ok'), fake('procedural', 'ok', false)]);
    const out = await svc.generate(data, signal, () => undefined);
    expect(out).toMatchObject({
      provider: 'openai',
      model: 'openai-model',
      fallbacks: [{ provider: 'stability', reason: 'not configured: set STABILITY_KEY' }],
    });
    expect(out.images).toHaveLength(2);
    expect(await sharp(out.images[0]).metadata()).toMatchObject({ format: 'png', width: 64, height: 48 });
  });

  it.each(['timeout', 'unreachable', 'server_error', 'bad_response', 'config'] as const)(
    '%s falls back to the next provider',
    async (kind) => {
      const broken = fake('stability', new ImageProviderError('stability', kind, 'boom'));
      const { svc } = setup([broken, fake('procedural', 'ok', false)]);
      const out = await svc.generate(data, signal, () => undefined);
      expect(out.provider).toBe('procedural');
      expect(out.fallbacks).toEqual([{ provider: 'stability', reason: `${kind}: boom` }]);
    },
  );

  it('a refused prompt fails the job with 400 and tries nobody else', async () => {
    const next = fake('procedural', 'ok', false);
    const { svc } = setup([fake('stability', new ImageProviderError('stability', 'rejected', 'HTTP 400: bad prompt')), next]);
    const err = await failureOf(svc.generate(data, signal, () => undefined));
    expect(err).toMatchObject({ status: 400, code: 'PROVIDER_REJECTED', retryable: false });
    expect(next.calls).toBe(0);
  });

  it('429: the provider rests for Retry-After, the procedural generator does not stand in, the job retries later', async () => {
    const procedural = fake('procedural', 'ok', false);
    const { svc, backoff } = setup([
      fake('stability', new ImageProviderError('stability', 'rate_limited', 'HTTP 429', 12_000)),
      procedural,
    ]);
    const err = await failureOf(svc.generate(data, signal, () => undefined));
    expect(err).toMatchObject({ status: 503, code: 'RATE_LIMITED', retryable: true, retryAfterMs: 12_000 });
    expect(procedural.calls).toBe(0);
    expect(backoff.until.get('stability')).toBe(12_000);
  });

  it('429 falls through to another AI provider, and a resting provider is not called at all', async () => {
    const resting = fake('stability', 'ok');
    const { svc, backoff } = setup([resting, fake('openai', 'ok')]);
    await backoff.set('stability', 5_000);
    const out = await svc.generate(data, signal, () => undefined);
    expect(out.provider).toBe('openai');
    expect(resting.calls).toBe(0);
    expect(out.fallbacks[0].reason).toMatch(/rate_limited: resting for 5 s/);
  });

  it('a 429 without Retry-After rests for RATE_LIMIT_BACKOFF_MS', async () => {
    const { svc, backoff } = setup([fake('openai', new ImageProviderError('openai', 'rate_limited', 'HTTP 429'))]);
    await failureOf(svc.generate(data, signal, () => undefined));
    expect(backoff.until.get('openai')).toBe(30_000);
  });

  it('nothing configured -> 503 NO_PROVIDER_AVAILABLE, not retried, listing what to set', async () => {
    const { svc } = setup([fake('stability', 'missing'), fake('huggingface', 'missing')]);
    const err = await failureOf(svc.generate(data, signal, () => undefined));
    expect(err).toMatchObject({ status: 503, code: 'NO_PROVIDER_AVAILABLE', retryable: false });
    expect(err.message).toMatch(/STABILITY_KEY.*HUGGINGFACE_KEY/);
  });

  it('everything down -> 503 PROVIDER_FAILED, retryable, with the longest wait a provider asked for', async () => {
    const { svc } = setup([
      fake('huggingface', new ImageProviderError('huggingface', 'server_error', 'loading', 20_000)),
      fake('openai', new ImageProviderError('openai', 'timeout', 'slow')),
    ]);
    expect(await failureOf(svc.generate(data, signal, () => undefined))).toMatchObject({
      code: 'PROVIDER_FAILED',
      retryable: true,
      retryAfterMs: 20_000,
    });
  });

  it('an explicit provider is the only one tried; unconfigured it is a 400 naming the variable', async () => {
    const other = fake('procedural', 'ok', false);
    const { svc } = setup([fake('stability', 'missing'), other], ['procedural']);
    const err = await failureOf(svc.generate({ ...data, provider: 'stability' }, signal, () => undefined));
    expect(err).toMatchObject({ status: 400, code: 'PROVIDER_NOT_CONFIGURED', message: expect.stringMatching(/STABILITY_KEY/) });
    expect(other.calls).toBe(0);
  });

  it('a provider returning the wrong number of images is a bad response (fallback)', async () => {
    const short = fake('openai', 'ok');
    short.generate = async () => ({ images: [], model: 'x' });
    const { svc } = setup([short, fake('procedural', 'ok', false)]);
    const out = await svc.generate(data, signal, () => undefined);
    expect(out.fallbacks[0].reason).toMatch(/bad_response: asked for 2 images, got 0/);
  });

  it('progress is reported with the provider name', async () => {
    const { svc } = setup([fake('openai', 'ok')]);
    const seen: [string, number][] = [];
    await svc.generate(data, signal, (p, pct) => seen.push([p, pct]));
    expect(seen).toEqual([['openai', 100]]);
  });
});

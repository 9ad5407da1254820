import { MediaEnv } from '@nitro/config';
import { IMAGE_LIMITS } from '@nitro/contracts';
import { GeneratedImages, ImageProvider, ImageProviderError, ImageRequest, promptWithStyle } from './image-provider.interface';
import { decodeBase64Image, failureFor, providerFetch, ProviderAnswer } from './provider-http';

/** Ratios the Stable Image endpoints accept; the result is resized to the exact size asked for. */
const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21'] as const;

interface StabilityImage {
  image?: string;
  finish_reason?: string;
  seed?: number;
}
interface StabilityError {
  id?: string;
  name?: string;
  errors?: string[];
  message?: string;
}

/**
 * Stability AI's Stable Image REST API: POST /v2beta/stable-image/generate/{core|ultra|sd3},
 * multipart form, `Accept: application/json` for a base64 answer with finish_reason and seed.
 * One image per call, so `count` images are `count` calls with seeds seed, seed+1, ...
 */
export class StabilityImageProvider implements ImageProvider {
  readonly name = 'stability' as const;
  readonly ai = true;

  constructor(private readonly env: MediaEnv) {}

  unavailable(): string | null {
    return this.env.STABILITY_API_KEY ? null : 'not configured: set STABILITY_API_KEY';
  }

  model(): string {
    return `stable-image-${this.env.STABILITY_MODEL}`;
  }

  async generate(req: ImageRequest): Promise<GeneratedImages> {
    const images: Buffer[] = [];
    for (let i = 0; i < req.count; i++) {
      images.push(await this.one(req, (req.seed + i) % (IMAGE_LIMITS.maxSeed + 1)));
      req.onProgress(((i + 1) / req.count) * 100);
    }
    return { images, model: this.model() };
  }

  private async one(req: ImageRequest, seed: number): Promise<Buffer> {
    const form = new FormData();
    // Only the core service takes style_preset; the others get the style as words.
    const nativeStyle = this.env.STABILITY_MODEL === 'core' && req.style_preset;
    form.append('prompt', nativeStyle ? req.prompt : promptWithStyle(req));
    if (req.negative_prompt) form.append('negative_prompt', req.negative_prompt);
    if (nativeStyle) form.append('style_preset', req.style_preset!);
    form.append('aspect_ratio', closestAspectRatio(req.width, req.height));
    form.append('seed', String(seed));
    form.append('output_format', 'png');
    const answer = await providerFetch({
      provider: this.name,
      url: `${this.env.STABILITY_BASE_URL.replace(/\/$/, '')}/v2beta/stable-image/generate/${this.env.STABILITY_MODEL}`,
      headers: { authorization: `Bearer ${this.env.STABILITY_API_KEY}`, accept: 'application/json' },
      body: form,
      timeoutMs: this.env.STABILITY_TIMEOUT_MS,
      signal: req.signal,
    });
    if (answer.status !== 200) throw this.failure(answer);
    const body = answer.json<StabilityImage>();
    if (body.finish_reason === 'CONTENT_FILTERED') throw new ImageProviderError(this.name, 'rejected', 'the content filter blocked this picture (finish_reason CONTENT_FILTERED): change the prompt');
    return decodeBase64Image(this.name, body.image);
  }

  private failure(answer: ProviderAnswer): ImageProviderError {
    let body: StabilityError = {};
    try {
      body = answer.json<StabilityError>();
    } catch {
      // not JSON (a proxy's page): the status alone decides
    }
    const message = [body.name, ...(body.errors ?? []), body.message].filter(Boolean).join(': ') || answer.text().slice(0, 200);
    // Stability answers 403 for moderation, which is about the prompt, not the key.
    if (answer.status === 403 && body.name === 'content_moderation') return new ImageProviderError(this.name, 'rejected', `HTTP 403: ${message}`);
    return failureFor(this.name, answer, message);
  }
}

export function closestAspectRatio(width: number, height: number): string {
  const want = Math.log(width / height);
  let best: string = '1:1';
  let bestDistance = Infinity;
  for (const r of ASPECT_RATIOS) {
    const [w, h] = r.split(':').map(Number);
    const d = Math.abs(Math.log(w / h) - want);
    if (d < bestDistance) [best, bestDistance] = [r, d];
  }
  return best;
}

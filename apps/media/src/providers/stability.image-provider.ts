import { MediaEnv } from '@nitro/config';
import {
  drawOneAtATime,
  GeneratedImages,
  ImageProvider,
  ImageProviderError,
  ImageRequest,
  promptWithStyle,
} from './image-provider.interface';
import { decodeBase64Image, providerFetch, ProviderAnswer, vendorFailure } from './provider-http';

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
    return { images: await drawOneAtATime(req, (seed) => this.one(req, seed)), model: this.model() };
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
    if (body.finish_reason === 'CONTENT_FILTERED')
      throw new ImageProviderError(
        this.name,
        'rejected',
        'the content filter blocked this picture (finish_reason CONTENT_FILTERED): change the prompt',
      );
    return decodeBase64Image(this.name, body.image);
  }

  private failure(answer: ProviderAnswer): ImageProviderError {
    let moderated = false;
    const verdict = vendorFailure<StabilityError>(this.name, answer, (e) => {
      moderated = e.name === 'content_moderation';
      return { message: [e.name, ...(e.errors ?? []), e.message].filter(Boolean).join(': ') };
    });
    // Stability answers 403 for moderation, which is about the prompt, not the key.
    return answer.status === 403 && moderated ? new ImageProviderError(this.name, 'rejected', verdict.message) : verdict;
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

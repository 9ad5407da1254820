import { MediaEnv } from '@nitro/config';
import { IMAGE_LIMITS } from '@nitro/contracts';
import { GeneratedImages, ImageProvider, ImageProviderError, ImageRequest, promptWithStyle } from './image-provider.interface';
import { failureFor, providerFetch, ProviderAnswer } from './provider-http';

interface HfError {
  error?: string | string[];
  estimated_time?: number;
}

/**
 * Hugging Face Inference (text-to-image task, e.g. FLUX.1-schnell): POST {HF_BASE_URL}/{model}
 * with `{ inputs, parameters }`; the answer is the image bytes. Errors are `{ "error": ... }`;
 * a 503 while the model loads carries `estimated_time` (seconds), used as the retry delay.
 */
export class HuggingFaceImageProvider implements ImageProvider {
  readonly name = 'huggingface' as const;
  readonly ai = true;

  constructor(private readonly env: MediaEnv) {}

  unavailable(): string | null {
    return this.env.HF_API_TOKEN ? null : 'not configured: set HF_API_TOKEN';
  }

  model(): string {
    return this.env.HF_MODEL;
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
    const parameters = { width: req.width, height: req.height, seed, ...(req.negative_prompt ? { negative_prompt: req.negative_prompt } : {}) };
    const answer = await providerFetch({
      provider: this.name,
      url: `${this.env.HF_BASE_URL.replace(/\/$/, '')}/${this.env.HF_MODEL}`,
      headers: { authorization: `Bearer ${this.env.HF_API_TOKEN}`, 'content-type': 'application/json', accept: 'image/png' },
      body: JSON.stringify({ inputs: promptWithStyle(req), parameters }),
      timeoutMs: this.env.HF_TIMEOUT_MS,
      signal: req.signal,
    });
    if (answer.status !== 200) throw this.failure(answer);
    if (!(answer.headers.get('content-type') ?? '').startsWith('image/')) {
      throw new ImageProviderError(this.name, 'bad_response', `expected an image, got ${answer.headers.get('content-type') ?? 'no content type'}`);
    }
    return answer.body;
  }

  private failure(answer: ProviderAnswer): ImageProviderError {
    let body: HfError = {};
    try {
      body = answer.json<HfError>();
    } catch {
      // a plain-text or HTML error page
    }
    const message = (Array.isArray(body.error) ? body.error.join('; ') : body.error) || answer.text().slice(0, 200);
    const loading = typeof body.estimated_time === 'number' ? Math.ceil(body.estimated_time * 1000) : undefined;
    return failureFor(this.name, answer, message, loading);
  }
}

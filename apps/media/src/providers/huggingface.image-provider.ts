import { MediaEnv } from '@nitro/config';
import {
  drawOneAtATime,
  GeneratedImages,
  ImageProvider,
  ImageProviderError,
  ImageRequest,
  promptWithStyle,
} from './image-provider.interface';
import { providerFetch, vendorFailure } from './provider-http';

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
    return { images: await drawOneAtATime(req, (seed) => this.one(req, seed)), model: this.model() };
  }

  private async one(req: ImageRequest, seed: number): Promise<Buffer> {
    const parameters = {
      width: req.width,
      height: req.height,
      seed,
      ...(req.negative_prompt ? { negative_prompt: req.negative_prompt } : {}),
    };
    const answer = await providerFetch({
      provider: this.name,
      url: `${this.env.HF_BASE_URL.replace(/\/$/, '')}/${this.env.HF_MODEL}`,
      headers: { authorization: `Bearer ${this.env.HF_API_TOKEN}`, 'content-type': 'application/json', accept: 'image/png' },
      body: JSON.stringify({ inputs: promptWithStyle(req), parameters }),
      timeoutMs: this.env.HF_TIMEOUT_MS,
      signal: req.signal,
    });
    // A 503 while the model loads carries estimated_time (seconds): the retry waits that long.
    if (answer.status !== 200) {
      throw vendorFailure<HfError>(this.name, answer, (e) => ({
        message: Array.isArray(e.error) ? e.error.join('; ') : e.error,
        retryAfterMs: typeof e.estimated_time === 'number' ? Math.ceil(e.estimated_time * 1000) : undefined,
      }));
    }
    if (!(answer.headers.get('content-type') ?? '').startsWith('image/')) {
      throw new ImageProviderError(
        this.name,
        'bad_response',
        `expected an image, got ${answer.headers.get('content-type') ?? 'no content type'}`,
      );
    }
    return answer.body;
  }
}

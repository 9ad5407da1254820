import { MediaEnv } from '@nitro/config';
import { GeneratedImages, ImageProvider, ImageProviderError, ImageRequest, promptWithStyle } from './image-provider.interface';
import { decodeBase64Image, providerFetch, ProviderAnswer, vendorFailure } from './provider-http';

interface Txt2ImgResponse {
  images?: string[];
  parameters?: Record<string, unknown>;
  /** A JSON string (seed, all_seeds, sd_model_name...). */
  info?: string;
}
interface A1111Error {
  detail?: string | { loc?: (string | number)[]; msg?: string }[];
  error?: string;
  errors?: string;
}
interface ProgressResponse {
  progress?: number;
}

/**
 * AUTOMATIC1111 / Forge web UI started with --api: POST /sdapi/v1/txt2img answers
 * `{ images: [base64...], parameters, info }` when the whole batch is done; meanwhile
 * GET /sdapi/v1/progress reports 0..1, which becomes the job's percent.
 */
export class Automatic1111ImageProvider implements ImageProvider {
  readonly name = 'automatic1111' as const;
  readonly ai = true;

  constructor(private readonly env: MediaEnv) {}

  unavailable(): string | null {
    return this.env.A1111_URL ? null : 'not configured: set A1111_URL (a web UI started with --api)';
  }

  model(): string {
    return 'automatic1111 (loaded checkpoint)';
  }

  async generate(req: ImageRequest): Promise<GeneratedImages> {
    const done = new AbortController();
    const polling = this.pollProgress(req, AbortSignal.any([done.signal, req.signal]));
    try {
      const answer = await providerFetch({
        provider: this.name,
        url: `${this.base()}/sdapi/v1/txt2img`,
        headers: { 'content-type': 'application/json', ...this.auth() },
        body: JSON.stringify({
          prompt: promptWithStyle(req),
          negative_prompt: req.negative_prompt ?? '',
          width: req.width,
          height: req.height,
          seed: req.seed,
          batch_size: req.count,
          n_iter: 1,
          steps: this.env.A1111_STEPS,
          send_images: true,
          save_images: false,
        }),
        timeoutMs: this.env.A1111_TIMEOUT_MS,
        signal: req.signal,
      });
      if (answer.status !== 200) throw this.failure(answer);
      const images = answer.json<Txt2ImgResponse>().images;
      if (!Array.isArray(images) || images.length < req.count)
        throw new ImageProviderError(
          this.name,
          'bad_response',
          `expected ${req.count} images, got ${Array.isArray(images) ? images.length : 'none'}`,
        );
      // With a batch, the web UI may put a grid of all images first: keep the last `count`.
      return { images: images.slice(-req.count).map((b) => decodeBase64Image(this.name, b)), model: this.modelName(answer) };
    } finally {
      done.abort();
      await polling;
    }
  }

  private modelName(answer: ProviderAnswer): string {
    try {
      const info = JSON.parse(answer.json<Txt2ImgResponse>().info ?? '{}') as { sd_model_name?: string };
      return info.sd_model_name ? `automatic1111/${info.sd_model_name}` : this.model();
    } catch {
      return this.model();
    }
  }

  /** Progress is a nicety: a failed poll is ignored, each poll has its own short deadline. */
  private async pollProgress(req: ImageRequest, stop: AbortSignal): Promise<void> {
    const interval = this.env.A1111_PROGRESS_POLL_MS;
    while (!stop.aborted) {
      await new Promise((resolve) => setTimeout(resolve, interval).unref());
      if (stop.aborted) return;
      try {
        const answer = await providerFetch({
          provider: this.name,
          url: `${this.base()}/sdapi/v1/progress?skip_current_image=true`,
          method: 'GET',
          headers: this.auth(),
          timeoutMs: Math.max(500, interval),
          signal: stop,
        });
        const p = answer.status === 200 ? answer.json<ProgressResponse>().progress : undefined;
        if (!stop.aborted && typeof p === 'number' && p > 0) req.onProgress(Math.min(99, p * 100));
      } catch {
        // keep drawing; the percent just does not move
      }
    }
  }

  private failure(answer: ProviderAnswer): ImageProviderError {
    return vendorFailure<A1111Error>(this.name, answer, (e) => {
      // FastAPI validation (422): detail is a list of { loc, msg }.
      const detail = Array.isArray(e.detail) ? e.detail.map((d) => `${(d.loc ?? []).slice(1).join('.')}: ${d.msg}`).join('; ') : e.detail;
      return { message: [e.error, detail, e.errors].filter(Boolean).join(': ') };
    });
  }

  private base(): string {
    return this.env.A1111_URL.replace(/\/$/, '');
  }

  private auth(): Record<string, string> {
    return this.env.A1111_AUTH ? { authorization: `Basic ${Buffer.from(this.env.A1111_AUTH).toString('base64')}` } : {};
  }
}

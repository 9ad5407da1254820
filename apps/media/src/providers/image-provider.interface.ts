import { IMAGE_LIMITS, type ImageProviderName } from '@nitro/contracts';

/** One generation request, already validated and completed by the gateway (seed and size always set). */
export interface ImageRequest {
  prompt: string;
  negative_prompt?: string;
  style_preset?: string;
  width: number;
  height: number;
  count: number;
  seed: number;
  /** Aborted when the job is cancelled or the worker shuts down. */
  signal: AbortSignal;
  /** Progress over the whole request, 0-100, where the provider can tell. */
  onProgress(percent: number): void;
}

/** Pictures in whatever format the vendor sent (PNG, JPEG, WebP); the job normalises them to PNG. */
export interface GeneratedImages {
  images: Buffer[];
  model: string;
}

/** Why a provider could not serve; decides between fallback, retry later and failing the job. */
export type ImageProviderFailure =
  /** The vendor refused this prompt or these settings (4xx, content filter): the same request will fail again. */
  | 'rejected'
  /** Key missing, wrong or without access, model not found: a configuration matter, try the next provider. */
  | 'config'
  | 'rate_limited'
  | 'timeout'
  | 'unreachable'
  | 'server_error'
  | 'bad_response';

export class ImageProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: ImageProviderFailure,
    message: string,
    /** From Retry-After (429) or Hugging Face's estimated_time (503 while a model loads), ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ImageProviderError';
  }

  get reason(): string {
    return `${this.kind}: ${this.message}`;
  }
}

/**
 * An image vendor behind one interface. `unavailable()` names the variable to set when the
 * provider is not configured, so "no provider" answers say what to do.
 */
export interface ImageProvider {
  readonly name: ImageProviderName;
  /** False only for the procedural generator: it is never presented as an AI model. */
  readonly ai: boolean;
  unavailable(): string | null;
  model(): string;
  generate(req: ImageRequest): Promise<GeneratedImages>;
}

/** Style presets become words in the prompt for vendors without a style parameter. */
export function promptWithStyle(req: Pick<ImageRequest, 'prompt' | 'style_preset'>): string {
  return req.style_preset ? `${req.prompt}, ${req.style_preset.replace(/-/g, ' ')} style` : req.prompt;
}

/**
 * For vendors that draw one image per call (Stability, Hugging Face): `count` calls with seeds
 * seed, seed+1, ... (wrapping at the largest seed), progress reported after each picture.
 */
export async function drawOneAtATime(req: ImageRequest, draw: (seed: number) => Promise<Buffer>): Promise<Buffer[]> {
  const images: Buffer[] = [];
  for (let i = 0; i < req.count; i++) {
    images.push(await draw((req.seed + i) % (IMAGE_LIMITS.maxSeed + 1)));
    req.onProgress(((i + 1) / req.count) * 100);
  }
  return images;
}

import sharp from 'sharp';
import { MediaEnv } from '@nitro/config';
import { IMAGE_LIMITS } from '@nitro/contracts';
import { GeneratedImages, ImageProvider, ImageProviderError, ImageRequest } from './image-provider.interface';
import { proceduralSvg } from './procedural-art.util';

export const PROCEDURAL_MODEL = 'procedural-v1 (not an AI model)';

/**
 * The offline default: a deterministic abstract picture from prompt and seed, drawn as SVG and
 * rendered to PNG with sharp. It is named "procedural" with a model that says it is not AI in
 * every answer; the prompt only seeds the shapes and colours.
 */
export class ProceduralImageProvider implements ImageProvider {
  readonly name = 'procedural' as const;
  readonly ai = false;

  constructor(private readonly env: MediaEnv) {}

  unavailable(): string | null {
    return null;
  }

  model(): string {
    return PROCEDURAL_MODEL;
  }

  async generate(req: ImageRequest): Promise<GeneratedImages> {
    const images: Buffer[] = [];
    for (let i = 0; i < req.count; i++) {
      if (this.env.PROCEDURAL_DELAY_MS) await this.delay(req.signal);
      images.push(await renderProcedural(req.prompt, (req.seed + i) % (IMAGE_LIMITS.maxSeed + 1), req.width, req.height, req.style_preset));
      req.onProgress(((i + 1) / req.count) * 100);
    }
    return { images, model: PROCEDURAL_MODEL };
  }

  /** Test and demo aid (PROCEDURAL_DELAY_MS): a slow provider, interruptible like a real one. */
  private delay(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, this.env.PROCEDURAL_DELAY_MS);
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(new ImageProviderError(this.name, 'timeout', 'cancelled'))), {
        once: true,
      });
    });
  }
}

export function renderProcedural(prompt: string, seed: number, width: number, height: number, style?: string): Promise<Buffer> {
  return sharp(Buffer.from(proceduralSvg(prompt, seed, width, height, style)))
    .png({ compressionLevel: 6 })
    .toBuffer();
}

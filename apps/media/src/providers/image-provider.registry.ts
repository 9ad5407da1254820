import { Injectable } from '@nestjs/common';
import { MediaEnv } from '@nitro/config';
import type { ImageProviderName, ImageProviderStatusDto } from '@nitro/contracts';
import { Automatic1111ImageProvider } from './automatic1111.image-provider';
import { HuggingFaceImageProvider } from './huggingface.image-provider';
import type { ImageProvider } from './image-provider.interface';
import { OpenAiImagesProvider } from './openai-images.image-provider';
import { ProceduralImageProvider } from './procedural.image-provider';
import { ProviderBackoffStore } from './provider-backoff.store';
import { StabilityImageProvider } from './stability.image-provider';

/** Every image provider, one instance each, and the order IMAGE_PROVIDERS gives them. */
@Injectable()
export class ImageProviderRegistry {
  private readonly providers: Map<ImageProviderName, ImageProvider>;
  readonly order: ImageProviderName[];

  constructor(
    env: MediaEnv,
    private readonly backoff: ProviderBackoffStore,
  ) {
    const all: ImageProvider[] = [
      new Automatic1111ImageProvider(env),
      new OpenAiImagesProvider(env),
      new StabilityImageProvider(env),
      new HuggingFaceImageProvider(env),
      new ProceduralImageProvider(env),
    ];
    this.providers = new Map(all.map((p) => [p.name, p]));
    this.order = env.IMAGE_PROVIDERS;
  }

  get(name: ImageProviderName): ImageProvider {
    const p = this.providers.get(name);
    if (!p) throw new Error(`unknown image provider ${name}`);
    return p;
  }

  /** For GET /images/providers: the configured order first, then the others (usable by explicit choice). */
  async status(): Promise<ImageProviderStatusDto[]> {
    const names = [...this.order, ...[...this.providers.keys()].filter((n) => !this.order.includes(n))];
    return Promise.all(
      names.map(async (name) => {
        const p = this.get(name);
        const reason = p.unavailable() ?? (await this.backoffReason(name));
        return { name, available: !reason, ...(reason ? { reason } : {}), model: p.model(), ai: p.ai, in_order: this.order.includes(name) };
      }),
    );
  }

  private async backoffReason(name: string): Promise<string | null> {
    const ms = await this.backoff.remaining(name);
    return ms > 0 ? `rate limited: asked again in ${Math.ceil(ms / 1000)} s` : null;
  }
}

import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { MEDIA_PATTERNS } from '@nitro/contracts';
import { ImageProviderRegistry } from '../providers/image-provider.registry';

/** media.* message handlers (image jobs themselves arrive through BullMQ, not the transport). */
@Controller()
export class MediaHandler {
  constructor(private readonly registry: ImageProviderRegistry) {}

  @MessagePattern(MEDIA_PATTERNS.providers)
  providers() {
    return this.registry.status();
  }
}

import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { MODEL_ADMIN_PATTERNS, MODEL_PATTERNS, ModelsQuery } from '@nitro/contracts';
import { validateDto } from '@nitro/service-kit';
import type { RedisStreamsContext } from '@nitro/transport';
import { deliveryOf } from '../memory/delivery.util';
import { CompletionService } from '../completions/completion.service';
import { EmbeddingService } from './embeddings/embedding.service';
import { LocalModelFilesService } from './local-files/local-model-files.service';
import { ModelRegistry } from './model-registry.service';

/** The model registry, the stateless API (docs/adr/0008-openai-compatible-api.md) and the local model files; each handler delegates. */
@Controller()
export class ModelsController {
  constructor(
    private readonly models: ModelRegistry,
    private readonly completions: CompletionService,
    private readonly embeddings: EmbeddingService,
    private readonly files: LocalModelFilesService,
  ) {}

  @MessagePattern(MODEL_PATTERNS.list)
  list(@Payload() query: unknown) {
    return this.models.list(validateDto(ModelsQuery, query ?? {}).refresh === true);
  }

  @MessagePattern(MODEL_PATTERNS.complete)
  complete(@Payload() cmd: unknown, @Ctx() ctx: RedisStreamsContext) {
    return this.completions.complete(cmd, deliveryOf(ctx));
  }

  @MessagePattern(MODEL_PATTERNS.embed)
  embed(@Payload() cmd: unknown) {
    return this.embeddings.embed(cmd);
  }

  @MessagePattern(MODEL_ADMIN_PATTERNS.files)
  localFiles() {
    return this.files.list();
  }

  @MessagePattern(MODEL_ADMIN_PATTERNS.deleteFile)
  deleteFile(@Payload() cmd: unknown) {
    return this.files.remove(cmd);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { cancellable } from '../../streams/cancellable';
import { DEFAULT_MODEL_ALIAS, EmbedCommand, ERROR_CODE, type EmbedResult } from '@nitro/contracts';
import { ServiceError, validateDto } from '@nitro/service-kit';
import { ProviderError } from '../../providers/provider-error';
import { ModelRegistry } from '../model-registry.service';
import { modelId } from '../model-id.util';
import { EMBEDDING_PROVIDERS, type EmbeddingProvider } from './embedding-provider.interface';

/**
 * embeddings.create: resolve the model in the registry, ask its provider. An Observable so the
 * caller leaving (unsubscribe) cancels the vendor call or frees the local model at once.
 */
@Injectable()
export class EmbeddingService {
  constructor(
    private readonly models: ModelRegistry,
    @Inject(EMBEDDING_PROVIDERS) private readonly providers: EmbeddingProvider[],
  ) {}

  embed(raw: unknown): Observable<EmbedResult> {
    return cancellable<EmbedResult>(
      'embeddings cancelled by the caller',
      async (emit, signal) => emit(await this.run(raw, signal)),
      (err) => (err instanceof ServiceError ? err.toPayload() : err),
    );
  }

  private async run(raw: unknown, signal: AbortSignal): Promise<EmbedResult> {
    const cmd = validateDto(EmbedCommand, raw);
    const target =
      !cmd.model || cmd.model === DEFAULT_MODEL_ALIAS
        ? await this.models.firstWith('embeddings')
        : await this.models.resolve(cmd.model, 'embeddings');
    const provider = this.providers.find((p) => p.name === target.provider);
    if (!provider)
      throw new ServiceError(400, ERROR_CODE.VALIDATION_FAILED, `${target.provider} models do not make embeddings here`, {
        param: 'model',
      });
    try {
      const out = await provider.embed(cmd.input, target.model, signal);
      return {
        model_id: modelId(target.provider, target.model),
        provider: target.provider,
        model: out.model,
        vectors: out.vectors,
        prompt_tokens: out.promptTokens,
      };
    } catch (err) {
      if (signal.aborted) throw new ServiceError(499, ERROR_CODE.CANCELLED, 'embeddings cancelled: the caller went away');
      if (err instanceof ProviderError) {
        const status = err.kind === 'client' ? 400 : err.kind === 'timeout' ? 504 : 503;
        throw new ServiceError(
          status,
          status === 400 ? ERROR_CODE.VALIDATION_FAILED : ERROR_CODE.PROVIDER_FAILED,
          `${target.provider} could not embed: ${err.kind}: ${err.message}`,
        );
      }
      throw err;
    }
  }
}

import type { Provider } from '@nestjs/common';
import { AiRouterEnv } from '@nitro/config';
import { CompletionService } from '../completions/completion.service';
import { CHAT_PROVIDERS, type ChatProvider } from '../providers/chat-provider.interface';
import { createEmbeddingProviders } from './embeddings/embedding-providers';
import { EMBEDDING_PROVIDERS } from './embeddings/embedding-provider.interface';
import { EmbeddingService } from './embeddings/embedding.service';
import { LocalModelFilesService } from './local-files/local-model-files.service';
import { ModelRegistry } from './model-registry.service';
import { ModelPullWorker } from './pulls/model-pull.worker';
import { createModelSources, MODEL_SOURCES } from './model-sources';

/** Providers of the model registry, the stateless API and model management (files, pulls), added to ai-router's module. */
export function modelProviders(env: AiRouterEnv): Provider[] {
  return [
    { provide: MODEL_SOURCES, useFactory: () => createModelSources(env) },
    { provide: EMBEDDING_PROVIDERS, inject: [CHAT_PROVIDERS], useFactory: (chat: ChatProvider[]) => createEmbeddingProviders(env, chat) },
    ModelRegistry,
    EmbeddingService,
    CompletionService,
    LocalModelFilesService,
    ModelPullWorker,
  ];
}

import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AiRouterEnv, loadConfig } from '@nitro/config';
import { createLogger } from '@nitro/observability';
import { AppModule } from '../../src/app.module';
import { ChatService } from '../../src/chat/chat.service';
import { ConversationService } from '../../src/memory/conversation.service';
import { ProviderRegistry } from '../../src/providers/provider-registry';
import { RouterService } from '../../src/providers/router.service';

/** The committed test model (test/fixtures/models/README.md); LOCAL_MODEL_PATH overrides it. */
export const MODEL_PATH = process.env.LOCAL_MODEL_PATH || `${__dirname}/../../../../test/fixtures/models/stories260K.gguf`;

export interface ChatStack {
  env: AiRouterEnv;
  chat: ChatService;
  conversations: ConversationService;
  router: RouterService;
  registry: ProviderRegistry;
  close(): Promise<void>;
}

/** The real ai-router module graph (Nest DI, real Redis, real adapters) without the transport. */
export async function startChatStack(vars: Record<string, string>): Promise<ChatStack> {
  createLogger('ai-router-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const env = loadConfig(AiRouterEnv, { LOCAL_MODEL_PATH: MODEL_PATH, LOCAL_CONTEXT_SIZE: '512', ...vars });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(env)] }).compile();
  const app: INestApplicationContext = await moduleRef.init();
  return {
    env,
    chat: app.get(ChatService),
    conversations: app.get(ConversationService),
    router: app.get(RouterService),
    registry: app.get(ProviderRegistry),
    close: () => app.close(),
  };
}

import { DynamicModule, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AiRouterEnv } from '@nitro/config';
import { REDIS_CLIENT, ServiceKitModule } from '@nitro/service-kit';
import { ChatController } from './chat/chat.controller';
import { ChatService } from './chat/chat.service';
import { ModelsController } from './models/models.controller';
import { modelProviders } from './models/models.providers';
import { ConversationRepository } from './memory/conversation.repository';
import { ConversationService } from './memory/conversation.service';
import { CHAT_PROVIDERS } from './providers/chat-provider.interface';
import { createProviders } from './providers/providers.factory';
import { ProviderRegistry } from './providers/provider-registry';
import { RouterService } from './providers/router.service';
import { StreamLogRepository } from './streams/stream-log.repository';
import { TrackedStreamService } from './streams/tracked-stream.service';
import { hostname } from 'node:os';

export const SERVICE = 'ai-router';
export const CHAT_KEY_PREFIX = 'nitro:chat:';

@Module({})
export class AppModule {
  /** The env is validated before the module exists; providers are built from it once. */
  static register(env: AiRouterEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forService({ service: SERVICE, env })],
      controllers: [ChatController, ModelsController],
      providers: [
        { provide: CHAT_PROVIDERS, useFactory: () => createProviders(env) },
        {
          provide: ConversationRepository,
          inject: [REDIS_CLIENT],
          useFactory: (redis: Redis) =>
            new ConversationRepository(redis, {
              prefix: CHAT_KEY_PREFIX,
              ttlSeconds: env.CHAT_TTL_DAYS * 86_400,
              maxStored: env.CHAT_MAX_STORED,
            }),
        },
        {
          provide: StreamLogRepository,
          inject: [REDIS_CLIENT],
          useFactory: (redis: Redis) => new StreamLogRepository(redis, `${hostname()}:${process.pid}`),
        },
        TrackedStreamService,
        ProviderRegistry,
        RouterService,
        ChatService,
        ConversationService,
        ...modelProviders(env),
      ],
    };
  }
}

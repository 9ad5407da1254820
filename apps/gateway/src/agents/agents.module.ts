import { Module } from '@nestjs/common';
import { AGENT_UPLOAD_CLAIMS_NAMESPACE, AGENT_UPLOADS } from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { claimCheckProvider } from '@nitro/transport';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

/** /agent/*: the agents service's tasks over the transport. */
@Module({
  controllers: [AgentsController],
  providers: [
    AgentsService,
    claimCheckProvider(
      AGENT_UPLOADS,
      REDIS_CLIENT,
      (env: GatewayEnv) => ({ namespace: AGENT_UPLOAD_CLAIMS_NAMESPACE, ttlMs: env.AGENTS_UPLOAD_TTL_S * 1000 }),
      [GatewayEnv],
    ),
  ],
  // Chat attachments read PDFs through the agents' file analyzer (apps/gateway/src/chat/attachments.service.ts).
  exports: [AgentsService],
})
export class AgentsModule {}

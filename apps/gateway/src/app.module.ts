import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GatewayEnv } from '@nitro/config';
import { ServiceKitModule } from '@nitro/service-kit';
import { AuthGuard } from './auth/auth.guard';
import { AgentsModule } from './agents/agents.module';
import { ChatModule } from './chat/chat.module';
import { SearchModule } from './search/search.module';
import { gatewayReadiness } from './health/gateway-health.module';
import { MetricsController } from './metrics/metrics.controller';
import { ServiceClientsModule } from './services/service-clients.module';
import { PlaceholderController } from './web/web.controller';
import { VoiceModule } from './voice/voice.module';

@Module({})
export class AppModule {
  /** Capability modules are listed here; each owns its routes under its own folder. */
  static register(env: GatewayEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forService({ service: 'gateway', env, ownMetrics: true, readiness: [gatewayReadiness] }), ServiceClientsModule, ChatModule, SearchModule, AgentsModule, VoiceModule],
      controllers: [MetricsController, PlaceholderController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}

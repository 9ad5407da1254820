import { DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv } from '@nitro/config';
import { ServiceKitModule } from '@nitro/service-kit';
import { AdminModelsModule } from './admin-models/admin-models.module';
import { AuthModule } from './auth/auth.module';
import { AgentsModule } from './agents/agents.module';
import { ChatModule } from './chat/chat.module';
import { SearchModule } from './search/search.module';
import { gatewayReadiness } from './health/gateway-health.module';
import { MetricsController } from './metrics/metrics.controller';
import { ServiceClientsModule } from './services/service-clients.module';
import { PlaceholderController } from './web/web.controller';
import { VoiceModule } from './voice/voice.module';
import { MediaModule } from './media/media.module';
import { V1Module } from './v1/v1.module';
import { hasWebBuild } from './web/static-files';

@Module({})
export class AppModule {
  /** Capability modules are listed here; each owns its routes under its own folder. */
  static register(env: GatewayEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forService({ service: 'gateway', env, ownMetrics: true, readiness: [gatewayReadiness] }),
        ServiceClientsModule,
        AuthModule,
        ChatModule,
        SearchModule,
        AgentsModule,
        VoiceModule,
        MediaModule,
        V1Module,
        AdminModelsModule,
      ],
      controllers: hasWebBuild(env.WEB_ROOT) ? [MetricsController] : [MetricsController, PlaceholderController],
    };
  }
}

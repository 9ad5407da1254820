import { Global, Inject, Module, type Provider } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { AGENTS_CLIENT, AI_ROUTER_CLIENT, MEDIA_CLIENT, SEARCH_CLIENT, SERVICES, VOICE_CLIENT } from '@nitro/contracts';
import { GatewayEnv, redisTopology } from '@nitro/config';
import { AiRouterClient, createTransportClientProvider, type ClientSettingsSource } from '@nitro/transport';

const CLIENTS: [string, string][] = [
  [AI_ROUTER_CLIENT, SERVICES.aiRouter],
  [MEDIA_CLIENT, SERVICES.media],
  [VOICE_CLIENT, SERVICES.voice],
  [SEARCH_CLIENT, SERVICES.search],
  [AGENTS_CLIENT, SERVICES.agents],
];

/** Every downstream client by service name (readiness pings each). */
export const SERVICE_CLIENTS = Symbol('SERVICE_CLIENTS');

const settings: ClientSettingsSource = {
  inject: [GatewayEnv],
  useFactory: (env: GatewayEnv) => ({ redisUrl: redisTopology(env), timeoutMs: env.TRANSPORT_TIMEOUT_MS, maxLen: env.TRANSPORT_MAX_LEN }),
};
const providers: Provider[] = CLIENTS.map(([token, service]) => createTransportClientProvider(token, service, settings));

/**
 * One transport client per downstream service (the transport lib's provider; each closes itself on
 * shutdown), injected by token (e.g. VOICE_CLIENT), and ai-router's typed wrapper AiRouterClient.
 */
@Global()
@Module({
  providers: [
    ...providers,
    { provide: AiRouterClient, inject: [AI_ROUTER_CLIENT], useFactory: (client: ClientProxy) => new AiRouterClient(client) },
    {
      provide: SERVICE_CLIENTS,
      inject: CLIENTS.map(([t]) => t),
      useFactory: (...clients: ClientProxy[]) => new Map(CLIENTS.map(([, s], i) => [s, clients[i]])),
    },
  ],
  exports: [...CLIENTS.map(([t]) => t), AiRouterClient, SERVICE_CLIENTS],
})
export class ServiceClientsModule {
  constructor(@Inject(SERVICE_CLIENTS) readonly clients: Map<string, ClientProxy>) {}
}

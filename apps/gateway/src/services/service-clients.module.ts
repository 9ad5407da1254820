import { Global, Module, OnApplicationShutdown, Inject, Provider } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { AGENTS_CLIENT, AI_ROUTER_CLIENT, MEDIA_CLIENT, SEARCH_CLIENT, SERVICES, VOICE_CLIENT } from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import { RedisStreamsClient } from '@nitro/transport';

const CLIENTS: [string, string][] = [
  [AI_ROUTER_CLIENT, SERVICES.aiRouter],
  [MEDIA_CLIENT, SERVICES.media],
  [VOICE_CLIENT, SERVICES.voice],
  [SEARCH_CLIENT, SERVICES.search],
  [AGENTS_CLIENT, SERVICES.agents],
];

export const SERVICE_CLIENTS = Symbol('SERVICE_CLIENTS');

const providers: Provider[] = CLIENTS.map(([token, service]) => ({
  provide: token,
  inject: [GatewayEnv],
  useFactory: (env: GatewayEnv) =>
    new RedisStreamsClient({ redisUrl: env.REDIS_URL, service, timeoutMs: env.TRANSPORT_TIMEOUT_MS, maxLen: env.TRANSPORT_MAX_LEN }),
}));

/** One transport client per downstream service, injected by token (e.g. AI_ROUTER_CLIENT). */
@Global()
@Module({
  providers: [
    ...providers,
    { provide: SERVICE_CLIENTS, inject: CLIENTS.map(([t]) => t), useFactory: (...clients: ClientProxy[]) => new Map(CLIENTS.map(([, s], i) => [s, clients[i]])) },
  ],
  exports: [...CLIENTS.map(([t]) => t), SERVICE_CLIENTS],
})
export class ServiceClientsModule implements OnApplicationShutdown {
  constructor(@Inject(SERVICE_CLIENTS) private readonly clients: Map<string, ClientProxy>) {}

  async onApplicationShutdown() {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
  }
}

import { Module, type DynamicModule, type FactoryProvider, type InjectionToken } from '@nestjs/common';
import { RedisStreamsClient } from './redis-streams.client';
import type { RedisStreamsClientOptions } from './transport.options';

export type ClientSettings = Omit<RedisStreamsClientOptions, 'service'>;
export type ClientSettingsSource =
  ClientSettings | { useFactory: (...deps: any[]) => ClientSettings | Promise<ClientSettings>; inject?: InjectionToken[] };

/**
 * Provider for a RedisStreamsClient bound to one target service, injectable by `token`
 * (`@Inject(AI_ROUTER_CLIENT) client: ClientProxy`). Settings can come from config through a
 * factory. Nest calls the client's onApplicationShutdown, which closes its connections.
 */
export function createTransportClientProvider(
  token: InjectionToken,
  service: string,
  settings: ClientSettingsSource,
): FactoryProvider<RedisStreamsClient> {
  if ('useFactory' in settings) {
    return {
      provide: token,
      inject: settings.inject ?? [],
      useFactory: async (...deps: unknown[]) => new RedisStreamsClient({ ...(await settings.useFactory(...deps)), service }),
    };
  }
  return { provide: token, useFactory: () => new RedisStreamsClient({ ...settings, service }) };
}

export interface TransportClientsOptions {
  clients: { token: InjectionToken; service: string }[];
  settings: ClientSettingsSource;
  /** Modules the settings factory's `inject` tokens come from (e.g. the config module). */
  imports?: DynamicModule['imports'];
}

/** `TransportModule.forClients({ clients: [{ token, service }], settings })`, like ClientsModule.register. */
@Module({})
export class TransportModule {
  static forClients(options: TransportClientsOptions): DynamicModule {
    const providers = options.clients.map(({ token, service }) => createTransportClientProvider(token, service, options.settings));
    return { module: TransportModule, imports: options.imports ?? [], providers, exports: providers.map((p) => p.provide) };
  }
}

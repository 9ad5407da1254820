import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { HealthController, MetricsController, READINESS_CHECKS, ReadinessCheck, SERVICE_NAME } from '@nitro/observability';
import { CommonEnv, redisTopology } from '@nitro/config';
import { createRedis, REDIS_CLIENT } from './redis.provider';
import { PingController } from './ping.controller';

export const APP_ENV = Symbol('APP_ENV');

export interface ServiceKitOptions {
  service: string;
  env: CommonEnv;
  /** Extra readiness checks beyond Redis (S3, a downstream service...). */
  readiness?: Provider[];
  /** Skip the /metrics controller (the gateway serves its own). */
  ownMetrics?: boolean;
}

@Global()
@Module({})
export class ServiceKitModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Health, metrics, the typed env and one Redis connection, for any Nitro service. */
  static forService(opts: ServiceKitOptions): DynamicModule {
    const redisCheck: Provider = {
      provide: READINESS_CHECKS,
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis): ReadinessCheck[] => [{ name: 'redis', check: () => redis.ping() }],
    };
    return {
      module: ServiceKitModule,
      controllers: opts.ownMetrics ? [HealthController] : [HealthController, MetricsController, PingController],
      providers: [
        { provide: SERVICE_NAME, useValue: opts.service },
        { provide: APP_ENV, useValue: opts.env },
        { provide: opts.env.constructor, useValue: opts.env },
        { provide: REDIS_CLIENT, useFactory: () => createRedis(redisTopology(opts.env), `nitro:${opts.service}`) },
        redisCheck,
        ...(opts.readiness ?? []),
      ],
      exports: [SERVICE_NAME, APP_ENV, opts.env.constructor, REDIS_CLIENT],
    };
  }

  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

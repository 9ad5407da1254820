import { Module, Provider } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { Redis } from 'ioredis';
import { SYS_PATTERNS } from '@nitro/contracts';
import { READINESS_CHECKS, ReadinessCheck } from '@nitro/observability';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { SERVICE_CLIENTS } from '../services/service-clients.module';

/**
 * /health/ready asks Redis (critical) and pings each service over the transport (one replica
 * answering is enough; not critical: a service without replicas makes the gateway "degraded", not
 * unready, so Kubernetes keeps routing the rest of the API to it).
 */
export const gatewayReadiness: Provider = {
  provide: READINESS_CHECKS,
  inject: [REDIS_CLIENT, SERVICE_CLIENTS],
  useFactory: (redis: Redis, clients: Map<string, ClientProxy>): ReadinessCheck[] => [
    { name: 'redis', check: () => redis.ping() },
    ...[...clients.entries()].map(([service, client]) => ({
      name: service,
      critical: false,
      check: () => firstValueFrom(client.send(SYS_PATTERNS.ping, {}).pipe(timeout(1500))),
    })),
  ],
};

@Module({})
export class GatewayHealthModule {}

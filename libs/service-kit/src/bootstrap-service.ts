import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { redisTopology, ServiceEnv } from '@nitro/config';
import { createLogger, initMetrics, PinoNestLogger } from '@nitro/observability';
import { RedisStreamsServer } from '@nitro/transport';
import { AllRpcExceptionsFilter } from './rpc-exception.filter';
import { installShutdownDeadline } from './shutdown-deadline';
import { applyV8HeapTuning } from './v8-heap';

/**
 * Starts a Nitro service (`module`: its root module class or `AppModule.register(env)`): its message handlers on the Redis Streams transport and a small HTTP
 * server for /health, /health/ready and /metrics. Prints one `"msg":"ready"` JSON line when up.
 */
export async function bootstrapService(service: string, module: Type<unknown> | DynamicModule, env: ServiceEnv): Promise<INestApplication> {
  applyV8HeapTuning(env);
  const logger = createLogger(service, env.LOG_LEVEL);
  initMetrics(service);
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: new PinoNestLogger(logger) });
  // Before connectMicroservice: with inheritAppConfig the handlers are built there, and a filter
  // added later never applies (errors would reach callers as a bare "Internal server error").
  app.useGlobalFilters(new AllRpcExceptionsFilter(service));
  app.connectMicroservice(
    {
      strategy: new RedisStreamsServer({
        redisUrl: redisTopology(env),
        service,
        concurrency: env.TRANSPORT_CONCURRENCY,
        maxLen: env.TRANSPORT_MAX_LEN,
      }),
    },
    { inheritAppConfig: true },
  );
  app.enableShutdownHooks();
  installShutdownDeadline(app, service, env.SHUTDOWN_TIMEOUT_MS);
  await app.startAllMicroservices();
  await app.listen(env.HTTP_PORT, env.HTTP_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : env.HTTP_PORT;
  logger.info({ port, service }, 'ready');
  return app;
}

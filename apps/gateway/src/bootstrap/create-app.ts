import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayEnv } from '@nitro/config';
import { createLogger, initMetrics, PinoNestLogger } from '@nitro/observability';
import { AppModule } from '../app.module';
import { HttpErrorFilter } from '../common/http-error.filter';
import { createValidationPipe } from '../common/validation.pipe';
import { clientErrorHandler, connectionsCheckingInterval, frameworkErrors, ROUTE_PARAM_MAX } from './framework-errors';
import { registerRequestContext } from './request-context.hook';
import { setupSwagger } from './swagger';
import { registerSecurity } from '../security/security.hooks';
import { hasWebBuild, registerStaticFiles } from '../web/static-files';
import { trustProxySetting } from '../security/trust-proxy.util';

/** Builds the gateway (without listening) so tests and main.ts share one setup. */
export async function createGatewayApp(env: GatewayEnv): Promise<NestFastifyApplication> {
  const logger = createLogger('gateway', env.LOG_LEVEL);
  initMetrics('gateway');
  const adapter = new FastifyAdapter({
    bodyLimit: env.JSON_BODY_LIMIT,
    trustProxy: trustProxySetting(env.TRUST_PROXY),
    // Fastify's own logging is off: one JSON line per request comes from the request hook.
    logger: false,
    return503OnClosing: true,
    // Above nginx's upstream keepalive_timeout (60 s), so the proxy closes idle connections first.
    keepAliveTimeout: 65_000,
    // A request must arrive whole in time (a body that stops arriving was kept open for minutes): 408.
    requestTimeout: env.REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: Math.min(env.HEADERS_TIMEOUT_MS, env.REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval: connectionsCheckingInterval(env.HEADERS_TIMEOUT_MS, env.REQUEST_TIMEOUT_MS),
    },
    clientErrorHandler,
    routerOptions: { maxParamLength: ROUTE_PARAM_MAX },
    frameworkErrors,
  });
  const fastify = adapter.getInstance();
  // JSON and multipart only: anything else is answered with a 400 naming Content-Type.
  fastify.removeContentTypeParser(['text/plain']);
  // Upload routes read files with req.file({ limits }) and set their own size limit per route.
  await fastify.register(multipart as any, { limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: 100 * 1024 * 1024 } });
  registerRequestContext(fastify, env.SERVER_TIMING);
  // Before any route exists: helmet, CORS, per-route body limits (set as routes register), upload size pre-check.
  await registerSecurity(fastify, env);
  if (hasWebBuild(env.WEB_ROOT)) await registerStaticFiles(fastify, env.WEB_ROOT);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env), adapter, {
    logger: new PinoNestLogger(logger),
    bodyParser: true,
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  setupSwagger(app);
  return app;
}

import type { FastifyInstance } from 'fastify';
import { counter, getLogger, histogram, traceContext } from '@nitro/observability';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const httpDuration = histogram('nitro_http_request_duration_seconds', 'HTTP request duration', ['method', 'route', 'status']);
const httpRequests = counter('nitro_http_requests_total', 'HTTP requests', ['method', 'route', 'status']);

/**
 * Gives every request a trace id (the caller's X-Request-Id when well-formed), runs the request
 * inside it so logs and transport calls carry it, and records one log line and metrics per request.
 */
export function registerRequestContext(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    const given = req.headers['x-request-id'];
    const traceId = typeof given === 'string' && REQUEST_ID.test(given) ? given : traceContext.newTraceId();
    reply.header('X-Request-Id', traceId);
    (req as { traceId?: string }).traceId = traceId;
    traceContext.run({ traceId }, done);
  });
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const seconds = reply.elapsedTime / 1000;
    httpDuration.observe({ method: req.method, route, status }, seconds);
    httpRequests.inc({ method: req.method, route, status });
    if (route !== '/health' && route !== '/metrics') {
      getLogger().info({ traceId: (req as { traceId?: string }).traceId, method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });
}

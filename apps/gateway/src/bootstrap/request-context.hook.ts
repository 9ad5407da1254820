import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { counter, getLogger, histogram, serverTimingHeader, traceContext } from '@nitro/observability';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** Request/response latency. Server-Sent Event streams are not in it: they last as long as the answer does. */
const httpDuration = histogram('nitro_http_request_duration_seconds', 'HTTP request duration (Server-Sent Event streams excluded)', [
  'method',
  'route',
  'status',
]);
const httpRequests = counter('nitro_http_requests_total', 'HTTP requests (every response, event streams included)', [
  'method',
  'route',
  'status',
]);
const sseDuration = histogram(
  'nitro_http_sse_duration_seconds',
  'Server-Sent Event stream duration, open to close',
  ['route', 'status'],
  [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
);

/** The label of every file the PWA static server answers (one series, not one per hashed asset). */
export const STATIC_ROUTE = '/static';

/** Route label: static files share one; unmatched requests one; else the route's pattern (`/gallery/:user_id`). */
export function routeLabel(req: FastifyRequest): string {
  const opts = req.routeOptions;
  const tagged = (opts?.config as { metricsRoute?: string } | undefined)?.metricsRoute;
  return tagged ?? opts?.url ?? 'unmatched';
}

const EVENT_STREAM = Symbol('nitro.eventStream');
type TrackedResponse = ServerResponse & { [EVENT_STREAM]?: boolean };

/** Notes whether the response head says text/event-stream (SSE writes its head on the raw socket, past Fastify). */
function watchContentType(reply: FastifyReply): void {
  const raw = reply.raw as TrackedResponse;
  const writeHead = raw.writeHead;
  raw.writeHead = function (this: TrackedResponse, ...args: unknown[]) {
    const headers = args.slice(1).find((a): a is OutgoingHttpHeaders => !!a && typeof a === 'object' && !Array.isArray(a));
    const type = headers && Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
    if (String(type ?? this.getHeader('content-type') ?? '').startsWith('text/event-stream')) this[EVENT_STREAM] = true;
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof raw.writeHead;
}

/** The caller's X-Request-Id when well-formed, else a new one. */
export function traceIdOf(req: FastifyRequest): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : traceContext.newTraceId();
}

/** Which responses carry the `Server-Timing` header (GatewayEnv.SERVER_TIMING). */
export type ServerTimingMode = 'off' | 'admin' | 'all';

const TIMING_MODE = Symbol('nitro.serverTiming');
type TimedRequest = FastifyRequest & { [TIMING_MODE]?: ServerTimingMode; user?: { role?: string } };

/**
 * The `Server-Timing` value for this response, or undefined when it gets none: the hops recorded in the request's
 * trace store (auth, ratelimit, transport, ai-router-*) and `gateway` (ms since the request arrived). Also used by the
 * SSE helper, which writes its head past Fastify's hooks.
 */
export function serverTimingOf(req: FastifyRequest, elapsedMs: number): string | undefined {
  const mode = (req as TimedRequest)[TIMING_MODE];
  if (!mode || mode === 'off' || (mode === 'admin' && (req as TimedRequest).user?.role !== 'admin')) return undefined;
  const timings = traceContext.get()?.timings;
  if (!timings) return undefined;
  return serverTimingHeader([...timings, { name: 'gateway', dur: elapsedMs }]);
}

/**
 * Gives every request a trace id (the caller's X-Request-Id when well-formed), runs the request
 * inside it so logs and transport calls carry it, and records one log line and metrics per request.
 * With `serverTiming` on, the request also collects its hops for the `Server-Timing` header.
 */
export function registerRequestContext(app: FastifyInstance, serverTiming: ServerTimingMode = 'off'): void {
  app.addHook('onRequest', (req, reply, done) => {
    const traceId = traceIdOf(req);
    reply.header('X-Request-Id', traceId);
    (req as { traceId?: string }).traceId = traceId;
    watchContentType(reply);
    if (serverTiming === 'off') return traceContext.run({ traceId }, done);
    (req as TimedRequest)[TIMING_MODE] = serverTiming;
    traceContext.run({ traceId, timings: [] }, done);
  });
  if (serverTiming !== 'off')
    app.addHook('onSend', (req, reply, payload, done) => {
      const value = serverTimingOf(req, reply.elapsedTime);
      if (value) reply.header('Server-Timing', value);
      done(null, payload);
    });
  app.addHook('onResponse', (req, reply, done) => {
    const route = routeLabel(req);
    const status = String(reply.statusCode);
    const seconds = reply.elapsedTime / 1000;
    if ((reply.raw as TrackedResponse)[EVENT_STREAM]) sseDuration.observe({ route, status }, seconds);
    else httpDuration.observe({ method: req.method, route, status }, seconds);
    httpRequests.inc({ method: req.method, route, status });
    if (route !== '/health' && route !== '/metrics' && route !== STATIC_ROUTE) {
      getLogger().info(
        {
          traceId: (req as { traceId?: string }).traceId,
          method: req.method,
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    done();
  });
}

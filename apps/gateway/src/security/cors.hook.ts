import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ERROR_CODE } from '@nitro/contracts';

const EXPOSED = 'RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After, X-Request-Id';
const METHODS = 'GET, POST, PUT, PATCH, DELETE';
const HEADERS = 'Authorization, Content-Type, X-Request-Id, Last-Event-ID';

/** Comma-separated origins from CORS_ORIGINS (validated by the config class). */
export function parseOrigins(value: string): Set<string> {
  return new Set(
    value
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter(Boolean),
  );
}

/**
 * CORS by exact allow-list, with @fastify/cors (ADR 0007). Credentials are bearer tokens, never
 * cookies, so no Allow-Credentials. The PWA is same-origin and needs none of this; browsers send
 * Origin on its POSTs too, which is why a foreign origin's simple request is answered without CORS
 * headers (the browser hides the response) rather than refused. A foreign origin's preflight is
 * refused with a 403 naming CORS_ORIGINS (the plugin alone would let it fall through to a 404).
 * The headers are set in onRequest, so SSE replies (which hijack) copy them like any other header.
 */
export async function registerCors(app: FastifyInstance, origins: Set<string>): Promise<void> {
  app.addHook('onRequest', (req, reply, done) => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!preflight || typeof origin !== 'string' || !origin || origins.has(origin)) return done();
    reply.header('Vary', 'Origin');
    reply.code(403).send({
      statusCode: 403,
      error: ERROR_CODE.CORS_ORIGIN_NOT_ALLOWED,
      message: `origin ${origin.slice(0, 200)} is not in CORS_ORIGINS`,
    });
  });
  // The plugin sends `Vary: Origin` on every response (its rule for a per-request origin); keep it to
  // requests that carry an Origin, as before. The PWA's service worker precaches the shell without an
  // Origin and looks module scripts up with one: a Vary: Origin on the shell made it miss offline.
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.headers.origin === undefined) dropVaryOrigin(reply);
    done(null, payload);
  });
  await app.register(cors, {
    // true reflects the request's Origin; false adds no CORS header at all.
    origin: (origin, cb) => cb(null, origin !== undefined && origins.has(origin)),
    methods: METHODS,
    allowedHeaders: HEADERS,
    exposedHeaders: EXPOSED,
    maxAge: 600,
    credentials: false,
  });
}

function dropVaryOrigin(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  if (typeof vary !== 'string') return;
  const rest = vary
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v && v.toLowerCase() !== 'origin');
  if (rest.length) reply.header('vary', rest.join(', '));
  else reply.removeHeader('vary');
}

import type { FastifyInstance } from 'fastify';

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
 * CORS by exact allow-list. Credentials are bearer tokens, never cookies, so no
 * Allow-Credentials. The PWA is same-origin and needs none of this; browsers send Origin on its
 * POSTs too, which is why a foreign origin's simple request is answered without CORS headers
 * (the browser hides the response) rather than refused.
 */
export function registerCors(app: FastifyInstance, origins: Set<string>): void {
  app.addHook('onRequest', (req, reply, done) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !origin) return done();
    reply.header('Vary', 'Origin');
    const allowed = origins.has(origin);
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (allowed) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Access-Control-Expose-Headers', EXPOSED);
    }
    if (!preflight) return done();
    if (!allowed) {
      reply.code(403).send({ statusCode: 403, error: 'CORS_ORIGIN_NOT_ALLOWED', message: `origin ${origin.slice(0, 200)} is not in CORS_ORIGINS` });
      return;
    }
    reply
      .header('Access-Control-Allow-Methods', METHODS)
      .header('Access-Control-Allow-Headers', HEADERS)
      .header('Access-Control-Max-Age', '600')
      .code(204)
      .send();
  });
}

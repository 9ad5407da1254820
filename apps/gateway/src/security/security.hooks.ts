import type { FastifyInstance } from 'fastify';
import { GatewayEnv } from '@nitro/config';
import { parseOrigins, registerCors } from './cors.hook';
import { jsonComplexityProblem } from './json-complexity.util';
import { bodyLimitOf, uploadLimitOf } from './route-class';
import { securityHeaders } from './security-headers';
import { ERROR_CODE } from '@nitro/contracts';

/**
 * Content-Security-Policy for the PWA and Swagger UI, both served from this origin:
 * scripts only from our own files (no inline script, no eval); inline styles allowed because
 * Swagger UI's page has a <style> block; images also from https: for video thumbnails;
 * YouTube frames for video embeds. No upgrade-insecure-requests: plain-HTTP LAN installs must work.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
  mediaSrc: ["'self'", 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  frameSrc: ['https://www.youtube-nocookie.com', 'https://www.youtube.com'],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Edge protections registered on Fastify before any route exists: security headers (helmet's, computed once),
 * CORS allow-list, a JSON body limit per route class (set on each route as it is registered, so
 * Fastify counts bytes while reading, chunked bodies included) and an early 413 for uploads whose
 * Content-Length is already too large, and a 400 for JSON too deep or too wide to validate cheaply.
 */
export async function registerSecurity(app: FastifyInstance, env: GatewayEnv): Promise<void> {
  const headers = securityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
  await registerCors(app, parseOrigins(env.CORS_ORIGINS));
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit === undefined) route.bodyLimit = bodyLimitOf(env, route.url ?? route.path ?? '/');
  });
  app.addHook('preValidation', (req, reply, done) => {
    const problem = jsonComplexityProblem(req.body);
    if (!problem) return done();
    reply.code(400).send({ statusCode: 400, error: ERROR_CODE.BODY_TOO_COMPLEX, message: problem });
  });
  app.addHook('onRequest', (req, reply, done) => {
    const type = req.headers['content-type'];
    if (typeof type !== 'string' || !/^multipart\//i.test(type)) return done();
    const length = Number(req.headers['content-length']);
    const path = req.routeOptions?.url ?? req.url.split('?')[0];
    const max = uploadLimitOf(env, path);
    if (Number.isFinite(length) && length > max) {
      reply
        .code(413)
        .header('Connection', 'close')
        .send({
          statusCode: 413,
          error: ERROR_CODE.PAYLOAD_TOO_LARGE,
          message: `upload is ${length} bytes; this route accepts at most ${max}`,
        });
      return;
    }
    done();
  });
}

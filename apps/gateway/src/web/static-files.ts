import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { STATIC_ROUTE } from '../bootstrap/request-context.hook';

/** True when the PWA has been built into WEB_ROOT (else the placeholder page answers at /). */
export function hasWebBuild(webRoot: string): boolean {
  return existsSync(join(resolve(webRoot), 'index.html'));
}

/**
 * Serves the built PWA. Hashed files under /assets never change: cached for a year, immutable.
 * index.html, the manifest and the service worker are revalidated on every load so a deploy shows at once.
 * Only files present at start are routed (wildcard off), so API routes can never be shadowed.
 * That is one route per file: they are tagged so metrics label them all as one route, not one series per hashed asset.
 */
export async function registerStaticFiles(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), metricsRoute: STATIC_ROUTE } as typeof route.config;
    });
    await scope.register(fastifyStatic as any, {
      root: resolve(webRoot),
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
      etag: true,
      lastModified: true,
      // @fastify/static 10 passes the FastifyReply here.
      setHeaders(reply: { header(k: string, v: string): unknown }, path: string) {
        reply.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (path.endsWith('sw.js')) reply.header('Service-Worker-Allowed', '/');
      },
    });
  });
}

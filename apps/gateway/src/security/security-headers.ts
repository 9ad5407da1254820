import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The response headers helmet sets for `options`, computed once at start-up. Our helmet options are
 * static (no per-request nonces or function directives), so every response gets the same set:
 * @fastify/helmet rebuilt helmet's middleware (and re-parsed the CSP) on every request, about 4 % of
 * the gateway's CPU per chat request (docs/performance/chat.md). helmet still decides the headers.
 * @throws when helmet refuses the options (as it would at the first request).
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => (failure = err));
  if (failure) throw failure;
  return headers;
}

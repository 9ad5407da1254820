import { GatewayEnv } from '@nitro/config';

/** Capabilities with their own rate-limit budget and body limit. */
export type RouteClass = 'auth' | 'chat' | 'image' | 'voice' | 'search' | 'agents' | 'default';

/** First matching path prefix wins; paths are route patterns (`/chat/history/:user_id`), never raw URLs. */
const PREFIXES: [RegExp, RouteClass][] = [
  [/^\/auth(\/|$)/, 'auth'],
  // OpenAI-compatible routes spend the budget of the native capability they use.
  [/^\/v1\/images(\/|$)/, 'image'],
  [/^\/v1\/audio(\/|$)/, 'voice'],
  [/^\/(chat|v1)(\/|$)/, 'chat'],
  [/^\/(generate-image|gallery|images?|media|jobs)(\/|$)/, 'image'],
  [/^\/voice(\/|$)/, 'voice'],
  [/^\/(search|video)(\/|$)/, 'search'],
  [/^\/agents?(\/|$)/, 'agents'],
];

/** Never rate limited: probes, metrics scrapes, API docs, the PWA shell. */
const EXEMPT = /^\/(health(\/.*)?|metrics|docs(\/.*|-json|-yaml)?)?$/;

/** Routes from libraries that cannot carry @Public(): liveness and readiness probes. */
const ALWAYS_PUBLIC = /^\/health(\/ready)?$/;

export function isAlwaysPublic(path: string): boolean {
  return ALWAYS_PUBLIC.test(path);
}

/** Sign-in style routes: limited per client IP (there is no user yet) with RATE_LIMIT_AUTH. */
const AUTH_ATTEMPTS = /^\/auth\/(login|register|refresh)$/;

export function capabilityOf(path: string): RouteClass {
  for (const [re, cls] of PREFIXES) if (re.test(path)) return cls;
  return 'default';
}

/**
 * The budget a request spends, or null when it is not limited. Reads (GET/HEAD) share the
 * default budget: the expensive work (model calls, image jobs, searches) is behind POST.
 */
export function rateClassOf(method: string, path: string): RouteClass | null {
  if (EXEMPT.test(path) || method === 'OPTIONS') return null;
  if (AUTH_ATTEMPTS.test(path)) return 'auth';
  if (method === 'GET' || method === 'HEAD') return 'default';
  const cls = capabilityOf(path);
  return cls === 'auth' ? 'default' : cls;
}

export function rateLimitOf(env: GatewayEnv, cls: RouteClass): number {
  const limits: Record<RouteClass, number> = {
    auth: env.RATE_LIMIT_AUTH,
    chat: env.RATE_LIMIT_CHAT,
    image: env.RATE_LIMIT_IMAGE,
    voice: env.RATE_LIMIT_VOICE,
    search: env.RATE_LIMIT_SEARCH,
    agents: env.RATE_LIMIT_AGENTS,
    default: env.RATE_LIMIT_DEFAULT,
  };
  return limits[cls];
}

/** Largest JSON body a route accepts (Fastify answers 413 beyond it, counted while reading). */
export function bodyLimitOf(env: GatewayEnv, path: string): number {
  const limits: Record<RouteClass, number> = {
    auth: env.BODY_LIMIT_AUTH,
    chat: env.BODY_LIMIT_CHAT,
    image: env.BODY_LIMIT_IMAGE,
    voice: env.BODY_LIMIT_VOICE,
    search: env.BODY_LIMIT_SEARCH,
    agents: env.BODY_LIMIT_AGENTS,
    default: env.JSON_BODY_LIMIT,
  };
  return limits[capabilityOf(path)];
}

/** Largest multipart request (Content-Length) per capability; the route's own per-file limit applies while streaming. */
export function uploadLimitOf(env: GatewayEnv, path: string): number {
  const overhead = 64 * 1024; // multipart boundaries and small fields around the file
  switch (capabilityOf(path)) {
    case 'voice':
      return env.VOICE_MAX_UPLOAD_BYTES + overhead;
    case 'agents':
      return env.AGENTS_MAX_UPLOAD_BYTES + overhead;
    default:
      return env.UPLOAD_MAX_BYTES + overhead;
  }
}

/**
 * Service names: each is a Redis stream (`nitro:req:<name>`) and consumer group.
 * WARNING: never rename one in a running deployment; in-flight requests sit on the old stream.
 */
export const SERVICES = {
  aiRouter: 'ai-router',
  media: 'media',
  voice: 'voice',
  search: 'search',
  agents: 'agents',
} as const;
export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];

/** DI tokens for the transport clients the gateway (and services) inject. */
export const AI_ROUTER_CLIENT = 'AI_ROUTER_CLIENT';
export const MEDIA_CLIENT = 'MEDIA_CLIENT';
export const VOICE_CLIENT = 'VOICE_CLIENT';
export const SEARCH_CLIENT = 'SEARCH_CLIENT';
export const AGENTS_CLIENT = 'AGENTS_CLIENT';

/** Patterns every service answers (registered by the service kit). */
export const SYS_PATTERNS = { ping: 'sys.ping' } as const;

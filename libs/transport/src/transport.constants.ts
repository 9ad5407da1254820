/**
 * Redis key layout. These names are the wire between deployed services: renaming one is a
 * breaking change that needs every service redeployed at once.
 */
export const requestStreamKey = (service: string): string => `nitro:req:${service}`;
export const replyStreamKey = (clientId: string): string => `nitro:rep:${clientId}`;
/** Sorted set of a service's replicas, scored by their last heartbeat (Redis server time, ms). */
export const presenceKey = (service: string): string => `nitro:svc:${service}`;
export const REPLY_STREAM_PREFIX = 'nitro:rep:';
/** Pub/sub channel of one replica: a client that stops listening publishes `<replyTo>|<requestId>` here. */
export const cancelChannel = (consumer: string): string => `nitro:cancel:${consumer}`;

export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_MAX_LEN = 10_000;
export const DEFAULT_CLAIM_IDLE_MS = 5_000;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Replicas heartbeat this often; a replica is "live" if its heartbeat is younger than PRESENCE_WINDOW_MS. */
export const HEARTBEAT_INTERVAL_MS = 1_000;
export const PRESENCE_WINDOW_MS = 3_000;
/** How long a client trusts a presence answer before asking Redis again. */
export const PRESENCE_CACHE_MS = 500;
/** Consumers idle longer than this (and with nothing pending) are removed from the group. */
export const DEAD_CONSUMER_IDLE_MS = 5 * 60_000;
/** A client's reply stream expires this long after the client stops refreshing it (it died). */
export const REPLY_STREAM_TTL_MS = 60_000;

/** Error code sent when no handler matches a pattern. */
export const PATTERN_NOT_FOUND = 'PATTERN_NOT_FOUND';

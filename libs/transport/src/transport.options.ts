import type { RedisEndpoint } from './redis-client.factory';

export interface RedisStreamsServerOptions {
  /** A redis:// URL or the REDIS_* topology (`redisTopology(env)`): single node, cluster or sentinel. */
  redisUrl: RedisEndpoint;
  /** Service name: request stream `nitro:req:<service>` and consumer group `<service>`. */
  service: string;
  /** Consumer name of this replica; default `<service>:<hostname>:<pid>:<random>`. */
  consumer?: string;
  /** Max handlers running at once in this replica (default 64). */
  concurrency?: number;
  /** Approximate cap (MAXLEN ~) for the streams this replica writes to (default 10,000). */
  maxLen?: number;
  /** An entry pending this long without a keep-alive belongs to a dead replica and is reclaimed (default 5,000). */
  claimIdleMs?: number;
  /** A consumer idle this long with nothing pending is removed from the group (default 5 minutes). */
  deadConsumerIdleMs?: number;
  /** On close, wait this long for running handlers before leaving them to be reclaimed (default 10,000). */
  drainTimeoutMs?: number;
}

export interface RedisStreamsClientOptions {
  /** A redis:// URL or the REDIS_* topology (`redisTopology(env)`): single node, cluster or sentinel. */
  redisUrl: RedisEndpoint;
  /** Target service. */
  service: string;
  /** No reply within this many ms -> TransportTimeoutError. For streams: the max gap between packets, first included (default 30,000). */
  timeoutMs?: number;
  /** Approximate cap (MAXLEN ~) for the request stream (default 10,000). */
  maxLen?: number;
}

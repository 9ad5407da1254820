import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTopology } from '@nitro/config';
import { reconnectAfterUnaskedEnd } from './redis-revive.util';

/**
 * Where to connect: a redis:// URL (single node, as in tests and `pnpm start`) or the topology
 * the REDIS_* variables name (`redisTopology(env)` from libs/config: single, cluster or sentinel).
 */
export type RedisEndpoint = string | RedisTopology;

/** How one connection behaves; the factory maps it onto ioredis options for every topology. */
export interface RedisClientOptions {
  /** Shows up in CLIENT LIST (`nitro:<service>…`), so an operator can tell connections apart. */
  name: string;
  /**
   * Commands retried across reconnects before failing; `null` waits forever (blocking readers,
   * BullMQ's worker and events connections: BullMQ refuses any other value there).
   */
  maxRetriesPerRequest: number | null;
  /** false: commands fail at once while disconnected instead of queueing. Default true. */
  enableOfflineQueue?: boolean;
  /** Many small commands per tick leave in one write (per node on a cluster). Default false. */
  enableAutoPipelining?: boolean;
  /** A command unanswered this long (ms) fails; unset: no limit (never on blocking reads). */
  commandTimeout?: number;
  /** Delay (ms) before reconnect attempt `times`; default min(100·times, 2 s). */
  retryStrategy?: (times: number) => number;
  /** Wait for `.connect()` (listeners attached first). Default false. */
  lazyConnect?: boolean;
  /** RESP version; the transport pins 2 so XREAD/XINFO replies stay plain arrays. */
  protocol?: 2 | 3;
}

/**
 * The one place a Redis connection is made (docs/adr/0009-redis-cluster.md). Returns an ioredis
 * `Redis` for a single node or Sentinel, and an ioredis `Cluster` for Redis Cluster. Both have
 * the same command API; the static type is `Redis` so the services' repositories stay unchanged,
 * and the few calls that differ on a cluster go through helpers here: `duplicateRedis` (a second
 * connection) and `scanKeys` (SCAN on every primary). Pub/sub, pipelines (split per node by
 * ioredis), EVAL and MULTI on keys of one slot work the same on every topology.
 */
export function createRedisClient(endpoint: RedisEndpoint, opts: RedisClientOptions): Redis {
  const topology: RedisTopology = typeof endpoint === 'string' ? { kind: 'single', url: endpoint } : endpoint;
  const common: RedisOptions = {
    connectionName: opts.name,
    maxRetriesPerRequest: opts.maxRetriesPerRequest,
    enableAutoPipelining: opts.enableAutoPipelining ?? false,
    lazyConnect: opts.lazyConnect ?? false,
    ...(opts.commandTimeout ? { commandTimeout: opts.commandTimeout } : {}),
    ...(opts.protocol ? { protocol: opts.protocol } : {}),
  };
  const retry = opts.retryStrategy ?? ((times: number) => Math.min(times * 100, 2_000));
  const offline = opts.enableOfflineQueue ?? true;
  if (topology.kind === 'single') {
    const client = new Redis(topology.url, { ...common, retryStrategy: retry, enableOfflineQueue: offline });
    reconnectAfterUnaskedEnd(client, retry(1));
    return client;
  }
  const tls: ConnectionOptions | undefined = topology.tls ? { ...(topology.tls.ca ? { ca: topology.tls.ca } : {}) } : undefined;
  const auth = {
    ...(topology.username ? { username: topology.username } : {}),
    ...(topology.password ? { password: topology.password } : {}),
    ...(tls ? { tls } : {}),
  };
  if (topology.kind === 'sentinel') {
    const client = new Redis({
      ...common,
      ...auth,
      sentinels: topology.sentinels,
      name: topology.name,
      ...(topology.sentinelPassword ? { sentinelPassword: topology.sentinelPassword } : {}),
      ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
      // Subscribes to the sentinels' +switch-master: reconnects to a promoted replica at once
      // instead of waiting for the old primary's connection to time out.
      failoverDetector: true,
      retryStrategy: retry,
      sentinelRetryStrategy: retry,
      enableOfflineQueue: offline,
    });
    // A failover can end the client for good in ioredis 6 (redis-revive.util.ts): connect it again.
    reconnectAfterUnaskedEnd(client, retry(1));
    return client;
  }
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...common, ...auth },
    enableOfflineQueue: offline,
    enableAutoPipelining: opts.enableAutoPipelining ?? false,
    lazyConnect: opts.lazyConnect ?? false,
    clusterRetryStrategy: retry,
    // After a failover the promoted replica answers MOVED for a moment: re-ask a little later
    // rather than bouncing between nodes (the defaults, 100 ms, are kept for the other cases).
    retryDelayOnMoved: 50,
    slotsRefreshTimeout: 2_000,
    // With TLS the certificates name hosts, not the IPs CLUSTER SLOTS reports: keep the name.
    ...(tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
  };
  // Cluster's command API is Redis's (Commander); see the docstring for what differs.
  return new Cluster(topology.nodes, clusterOptions) as unknown as Redis;
}

/** True when the connection is a Redis Cluster client. */
export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
}

/** A second connection to the same Redis (e.g. for a blocking read or a subscription) named `name`. */
export function duplicateRedis(redis: Redis, name: string): Redis {
  if (isCluster(redis)) {
    const cluster = redis as unknown as Cluster;
    return cluster.duplicate(undefined, {
      redisOptions: { ...cluster.options.redisOptions, connectionName: name },
    }) as unknown as Redis;
  }
  const copy = redis.duplicate({ connectionName: name });
  reconnectAfterUnaskedEnd(copy, 100);
  return copy;
}

/**
 * Every key matching `pattern`, in batches: SCAN on the one node, or on every primary of a cluster
 * (a cluster's SCAN only walks the node it is sent to). Batches may repeat a key (SCAN's contract).
 */
export async function* scanKeys(redis: Redis, pattern: string, count = 500): AsyncGenerator<string[]> {
  const nodes = isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', String(count));
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }
}

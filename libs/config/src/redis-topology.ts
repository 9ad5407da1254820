import { readFileSync } from 'node:fs';
import type { CommonEnv } from './common.env';
import { ConfigError } from './load-config';

/** `host:port` of a cluster seed node or a sentinel. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Which Redis the services talk to, read from the REDIS_* variables (docs/adr/0009-redis-cluster.md).
 * Plain data: the one connection factory (`createRedisClient` in libs/transport) turns it into an
 * ioredis `Redis` (single node, Sentinel) or `Cluster`.
 */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | ({ kind: 'cluster'; nodes: HostPort[] } & RedisAuth)
  | ({ kind: 'sentinel'; sentinels: HostPort[]; name: string; sentinelPassword?: string } & RedisAuth);

export interface RedisAuth {
  username?: string;
  password?: string;
  /** TLS on every connection; `ca` is the PEM of REDIS_TLS_CA_FILE when given. */
  tls?: { ca?: string };
}

type RedisEnv = Pick<
  CommonEnv,
  | 'REDIS_URL'
  | 'REDIS_CLUSTER_NODES'
  | 'REDIS_SENTINELS'
  | 'REDIS_SENTINEL_NAME'
  | 'REDIS_USERNAME'
  | 'REDIS_PASSWORD'
  | 'REDIS_SENTINEL_PASSWORD'
  | 'REDIS_TLS'
  | 'REDIS_TLS_CA_FILE'
>;

/** The topology the (validated) environment names: cluster, else sentinel, else the single node of REDIS_URL. */
export function redisTopology(env: RedisEnv): RedisTopology {
  const auth: RedisAuth = {
    ...(env.REDIS_USERNAME ? { username: env.REDIS_USERNAME } : {}),
    ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}),
    ...(env.REDIS_TLS ? { tls: env.REDIS_TLS_CA_FILE ? { ca: readCa(env.REDIS_TLS_CA_FILE) } : {} } : {}),
  };
  if (env.REDIS_CLUSTER_NODES?.length) return { kind: 'cluster', nodes: env.REDIS_CLUSTER_NODES.map(parseHostPort), ...auth };
  if (env.REDIS_SENTINELS?.length)
    return {
      kind: 'sentinel',
      sentinels: env.REDIS_SENTINELS.map(parseHostPort),
      name: env.REDIS_SENTINEL_NAME,
      ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
      ...auth,
    };
  return { kind: 'single', url: env.REDIS_URL };
}

/** "10.0.0.1:7000" or "[::1]:7000" (validated by HostPortList). */
export function parseHostPort(value: string): HostPort {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(value.slice(at + 1)) };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([`REDIS_TLS_CA_FILE: cannot read ${file} (${(e as Error).message})`]);
  }
}

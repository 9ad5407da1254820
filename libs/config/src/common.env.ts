import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { HostPortList } from './comma-list';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Fails when both this list and `other` are non-empty (two Redis topologies at once). */
function NotTogetherWith(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'notTogetherWith',
    validator: {
      validate: (value: unknown, args) => !(isSet(value) && isSet((args?.object as Record<string, unknown>)[other])),
      defaultMessage: () => `cannot be set together with ${other}: choose Redis Cluster or Sentinel`,
    },
  });
}
const isSet = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== '');

/** Variables every service reads. Defaults make a fresh machine work with no configuration. */
export class CommonEnv {
  // --- Redis ---
  /** Single-node Redis (redis:// or rediss://, user and password may be in the URL). Ignored when REDIS_CLUSTER_NODES or REDIS_SENTINELS is set. */
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * Redis Cluster: comma-separated seed nodes `host:port` (a few primaries are enough; the rest is discovered).
   * Keys are laid out for a cluster (docs/adr/0009-redis-cluster.md).
   */
  @NotTogetherWith('REDIS_SENTINELS')
  @HostPortList()
  REDIS_CLUSTER_NODES: string[] = [];

  /** Redis Sentinel: comma-separated sentinels `host:port`; the primary is asked for by REDIS_SENTINEL_NAME. */
  @HostPortList()
  REDIS_SENTINELS: string[] = [];

  /** The primary's name the sentinels monitor (`sentinel monitor <name> …`); required with REDIS_SENTINELS. */
  @ValidateIf((o: CommonEnv) => o.REDIS_SENTINELS.length > 0)
  @IsNotEmpty({ message: 'is required when REDIS_SENTINELS is set' })
  @IsString()
  REDIS_SENTINEL_NAME = '';

  /** ACL user for cluster nodes or the Sentinel-managed primary (single node: put it in REDIS_URL). */
  @IsString()
  REDIS_USERNAME = '';

  /** Password for cluster nodes or the Sentinel-managed primary (single node: put it in REDIS_URL). */
  @IsString()
  REDIS_PASSWORD = '';

  /** Password of the sentinels themselves, when they require one (`requirepass` in sentinel.conf). */
  @IsString()
  REDIS_SENTINEL_PASSWORD = '';

  /** TLS to cluster nodes, the sentinels and the primary (single node: use a rediss:// URL). */
  @IsBoolean()
  REDIS_TLS = false;

  /** PEM file of the CA that signed the Redis servers' certificates (TLS); unset: the system's CAs. */
  @IsString()
  REDIS_TLS_CA_FILE = '';

  // --- Logging and transport ---

  @IsIn(LOG_LEVELS as unknown as string[])
  LOG_LEVEL = 'info';

  @IsOptional()
  @IsString()
  NODE_ENV?: string = 'development';

  /** Per-request timeout on the service transport (ms); streams: longest gap between packets. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  TRANSPORT_TIMEOUT_MS = 30_000;

  /** Max handlers in flight per replica. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  TRANSPORT_CONCURRENCY = 256;

  /**
   * Longest a shutdown (SIGTERM/SIGINT) may take, ms: then the process logs what it was still waiting for
   * and exits with code 1 (with Redis gone, closing queues and clients could otherwise wait forever).
   */
  @IsInt()
  @Min(100)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** Approximate cap on each Redis stream (XADD MAXLEN ~). */
  @IsInt()
  @Min(100)
  TRANSPORT_MAX_LEN = 10_000;

  // --- Memory ---

  /**
   * How far V8 lets the old generation grow past what its last full GC kept, in percent (V8's
   * --heap-growing-percent). 0: V8's own heuristic, which lets a service with 40 MB live grow to about
   * 160 MB of garbage under load before it collects. 70 keeps RSS under load 40-70 MB lower with no CPU
   * cost measured; 40 saves about 10 MB more but cost the gateway a quarter more CPU per request
   * (docs/performance/chat.md).
   */
  @IsInt()
  @Min(0)
  @Max(300)
  V8_HEAP_GROWING_PERCENT = 70;
}

/** A service that is not the gateway still serves /health, /health/ready and /metrics over HTTP. */
export class ServiceEnv extends CommonEnv {
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 0;

  @IsString()
  HTTP_HOST = '127.0.0.1';
}

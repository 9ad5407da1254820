import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. Defaults make a fresh machine work with no configuration. */
export class CommonEnv {
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

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

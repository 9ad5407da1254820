import pino, { Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';
import { traceContext } from './trace-context';

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'secret',
  '*.secret',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'current_password',
  '*.current_password',
  'new_password',
  '*.new_password',
];

let root: Logger | undefined;

/** JSON lines on stdout, one logger per process, every line tagged with service and trace id. */
export function createLogger(service: string, level = 'info'): Logger {
  root = pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const store = traceContext.get();
      return store ? { traceId: store.traceId, ...(store.userId ? { userId: store.userId } : {}) } : {};
    },
  });
  return root;
}

export function getLogger(): Logger {
  return root ?? createLogger('nitro', 'info');
}

/** Lets Nest's own messages (bootstrap, exceptions) come out as the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger = getLogger()) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

import type { RpcErrorPayload } from '@nitro/contracts';

/**
 * A failure a service means to report: `status` becomes the HTTP status at the gateway, so use
 * 4xx for the caller's mistakes and 503 for "nothing can serve this now".
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }

  toPayload(): RpcErrorPayload {
    return { status: this.status, code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

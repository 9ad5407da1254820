import { ERROR_CODES } from '@nitro/contracts';

export const IMAGE_ERROR_CODES = {
  rejected: 'PROVIDER_REJECTED',
  notConfigured: 'PROVIDER_NOT_CONFIGURED',
  rateLimited: 'RATE_LIMITED',
  providerFailed: ERROR_CODES.providerFailed,
  noProvider: ERROR_CODES.noProvider,
  internal: ERROR_CODES.internal,
} as const;

/**
 * How a job attempt ended badly, in the caller's terms: `status` is what a synchronous call would
 * have answered; `retryable` decides between BullMQ's backoff and failing the job now.
 */
export class ImageJobFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    /** The longest Retry-After a provider asked for, ms (the backoff strategy honours it). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ImageJobFailure';
  }
}

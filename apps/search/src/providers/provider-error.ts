/** Why one provider could not answer; the fallback chain records it and tries the next one. */
export type ProviderFailure =
  'not_configured' | 'rate_limited' | 'backing_off' | 'timeout' | 'unreachable' | 'bad_response' | 'auth' | 'http_error';

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: ProviderFailure,
    message: string,
    /** For rate_limited: how long the upstream asked us to wait (Retry-After), ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** "timeout: no answer within 8000 ms" — the form shown to users in fallbacks and 503s. */
  get reason(): string {
    return `${this.kind}: ${this.message}`;
  }
}

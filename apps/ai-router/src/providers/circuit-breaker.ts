export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Time an open circuit waits before letting one probe through. */
  cooldownMs: number;
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

/**
 * Per-provider circuit breaker. Closed: every request goes through; `failureThreshold`
 * consecutive failures open it. Open: requests skip the provider (no waiting on a dead host)
 * until `cooldownMs` passed; then half-open lets exactly ONE probe through. The probe's success
 * closes the circuit, its failure re-opens it for another cooldown.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly opts: CircuitOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Call before an attempt; false means skip this provider. A true in half-open reserves the probe. */
  tryAcquire(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.opts.cooldownMs) return false;
      this.setState('half_open');
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.probeInFlight = false;
    this.setState('closed');
  }

  onFailure(): void {
    this.probeInFlight = false;
    this.failures++;
    if (this.state === 'half_open' || this.failures >= this.opts.failureThreshold) {
      this.openedAt = this.now();
      this.setState('open');
    }
  }

  /** The attempt ended without telling anything about the provider (caller gone, bad request). */
  onNeutral(): void {
    this.probeInFlight = false;
  }

  snapshot(): { state: CircuitState; failures: number; retryInMs?: number } {
    const retryInMs = this.state === 'open' ? Math.max(0, this.opts.cooldownMs - (this.now() - this.openedAt)) : undefined;
    return { state: this.state, failures: this.failures, ...(retryInMs !== undefined ? { retryInMs } : {}) };
  }

  private setState(state: CircuitState): void {
    if (state === this.state) return;
    this.state = state;
    this.opts.onStateChange?.(state);
  }
}

import { counter, gauge, histogram } from '@nitro/observability';
import type { CircuitState } from './circuit-breaker';

/**
 * Provider metrics, labelled by provider. Created on first use (get-or-create) so specs that load
 * the module twice do not collide in the shared registry.
 */
export const providerMetrics = {
  /** Seconds per attempt; outcome ok|error|incomplete, mode generate|stream. */
  latency: () =>
    histogram(
      'nitro_ai_provider_latency_seconds',
      'Chat provider attempt duration',
      ['provider', 'mode', 'outcome'],
      [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    ),
  /** Seconds until the first streamed token. */
  firstToken: () =>
    histogram(
      'nitro_ai_provider_first_token_seconds',
      'Time to first streamed token',
      ['provider'],
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
  /** kind prompt|completion; model is the one that answered (ids come from configuration or the vendor's own list). */
  tokens: () => counter('nitro_ai_tokens_total', 'Tokens reported by providers', ['provider', 'kind', 'model']),
  /** A provider was passed over; reason is a FailureKind, 'not_configured' or 'circuit_open'. */
  fallbacks: () =>
    counter('nitro_ai_fallbacks_total', 'Providers skipped or failed before another answered (or none did)', ['provider', 'reason']),
  /** 0 closed, 1 half-open, 2 open. */
  circuit: () => gauge('nitro_ai_circuit_state', 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open', ['provider']),
};

export const CIRCUIT_GAUGE_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

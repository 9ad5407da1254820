import { collectDefaultMetrics, Counter, Histogram, Gauge, Registry } from 'prom-client';

/**
 * One registry per process. Every service registers its metrics here so GET /metrics shows
 * them all; default process metrics (CPU, RSS, event loop lag) are collected once.
 */
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function initMetrics(service: string): Registry {
  if (!defaultsCollected) {
    metricsRegistry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: metricsRegistry, prefix: 'nitro_' });
    defaultsCollected = true;
  }
  return metricsRegistry;
}

/** Get-or-create helpers: modules may be loaded twice in tests; prom-client throws on re-registration. */
export function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return (
    (metricsRegistry.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames, registers: [metricsRegistry] })
  );
}

export function histogram(name: string, help: string, labelNames: string[] = [], buckets?: number[]): Histogram<string> {
  return (
    (metricsRegistry.getSingleMetric(name) as Histogram<string>) ??
    new Histogram({
      name,
      help,
      labelNames,
      buckets: buckets ?? [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metricsRegistry],
    })
  );
}

/**
 * A gauge in the service's registry (the existing one when the name is taken). `collect` runs at each scrape
 * (prom-client's collect hook): a value read then costs nothing per request, unlike `set` on every change.
 */
export function gauge(name: string, help: string, labelNames: string[] = [], collect?: (this: Gauge<string>) => void): Gauge<string> {
  return (
    (metricsRegistry.getSingleMetric(name) as Gauge<string>) ??
    new Gauge({ name, help, labelNames, registers: [metricsRegistry], ...(collect ? { collect } : {}) })
  );
}

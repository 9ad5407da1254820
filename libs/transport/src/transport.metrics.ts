import { counter, gauge, histogram } from '@nitro/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** In-flight counts, read when Prometheus scrapes (`side|target` -> readers of every client/server instance). */
const inFlightReaders = new Map<string, (() => number)[]>();

function collectInFlight(this: Gauge<string>): void {
  for (const [key, readers] of inFlightReaders) {
    const [side, target] = key.split('|');
    this.set(
      { side, target },
      readers.reduce((sum, read) => sum + read(), 0),
    );
  }
}

/**
 * Transport metrics. Label values come from the code (service names, handler patterns), never
 * from free text, so cardinality stays bounded: the server labels unknown patterns "unknown".
 * Labelled children are cached because `labels()` hashes its arguments on every call.
 * `target` is the service a request is addressed to (on the server side, the one this replica serves);
 * `service` is never a label here: it is the registry's default label, the process that exports the series.
 */
export class TransportMetrics {
  private readonly requests: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly inFlight: Gauge<string>;
  private readonly reclaimed: Counter<string>;
  private readonly cache = new Map<string, any>();

  constructor(private readonly side: 'client' | 'server') {
    this.requests = counter('nitro_transport_requests_total', 'Transport requests by side, target service, pattern and outcome', [
      'side',
      'target',
      'pattern',
      'outcome',
    ]);
    this.duration = histogram(
      'nitro_transport_request_duration_seconds',
      'Transport request duration (client: until the last packet; server: handler run time)',
      ['side', 'target', 'pattern'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
    this.inFlight = gauge('nitro_transport_in_flight', 'Transport requests currently in flight', ['side', 'target'], collectInFlight);
    this.reclaimed = counter(
      'nitro_transport_reclaimed_total',
      'Entries reclaimed from dead replicas (outcome: handled | expired | deleted)',
      ['target', 'outcome'],
    );
  }

  private child<T>(metric: string, key: string, make: () => T): T {
    const cacheKey = `${metric}|${key}`;
    let child = this.cache.get(cacheKey) as T | undefined;
    if (!child) {
      child = make();
      this.cache.set(cacheKey, child);
    }
    return child;
  }

  finished(service: string, pattern: string, outcome: string, startedAt: number): void {
    this.child('r', `${service}|${pattern}|${outcome}`, () => this.requests.labels(this.side, service, pattern, outcome)).inc();
    this.child('d', `${service}|${pattern}`, () => this.duration.labels(this.side, service, pattern)).observe(
      (performance.now() - startedAt) / 1000,
    );
  }

  /**
   * Reports `read()` as this side's in-flight requests to `service`, read at each scrape (not set per request:
   * that was two gauge updates per request on the hot path). Returns the function that stops reporting it.
   */
  trackInFlight(service: string, read: () => number): () => void {
    const key = `${this.side}|${service}`;
    const readers = inFlightReaders.get(key) ?? [];
    readers.push(read);
    inFlightReaders.set(key, readers);
    return () => {
      const i = readers.indexOf(read);
      if (i >= 0) readers.splice(i, 1);
    };
  }

  reclaimedEntries(service: string, outcome: 'handled' | 'expired' | 'deleted', count = 1): void {
    if (count > 0) this.child('c', `${service}|${outcome}`, () => this.reclaimed.labels(service, outcome)).inc(count);
  }
}

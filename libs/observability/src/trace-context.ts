import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { TimingEntry } from './server-timing';

/** What travels with one request across the gateway and the services (logs, transport packets). */
export interface TraceStore {
  traceId: string;
  userId?: string;
  /** Hops measured for a `Server-Timing` header (server-timing.ts); absent when the request does not collect them. */
  timings?: TimingEntry[];
}

const storage = new AsyncLocalStorage<TraceStore>();

/** Request-scoped trace id without threading it through every call. */
export const traceContext = {
  run<T>(store: TraceStore, fn: () => T): T {
    return storage.run(store, fn);
  },
  get(): TraceStore | undefined {
    return storage.getStore();
  },
  getTraceId(): string | undefined {
    return storage.getStore()?.traceId;
  },
  newTraceId(): string {
    return randomUUID();
  },
};

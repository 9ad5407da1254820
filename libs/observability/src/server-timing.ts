import { traceContext } from './trace-context';

/**
 * One hop of a request, as the `Server-Timing` response header reports it
 * (W3C Server Timing, https://www.w3.org/TR/server-timing/): `name;dur=<ms>;desc="…"`.
 */
export interface TimingEntry {
  /** A token: letters, digits and `-` (e.g. `auth`, `transport`, `ai-router-queue`). */
  name: string;
  /** Duration in ms (fractions kept to 0.01 ms). */
  dur: number;
  desc?: string;
}

/** Monotonic now in ms (fractional), for durations within one process. */
export const nowMs = (): number => performance.now();

/**
 * Wall-clock now in ms with sub-ms precision (`performance.timeOrigin + performance.now()`), for durations
 * measured across processes on one host (transport queue wait); not comparable across machines.
 */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/**
 * Records a hop in the current request's timings. A no-op unless the request collects timings
 * (the gateway's SERVER_TIMING setting, or a transport request that asked for them): measuring costs
 * one `performance.now()` pair, recording nothing when off.
 */
export function recordTiming(name: string, dur: number, desc?: string): void {
  const timings = traceContext.get()?.timings;
  if (timings) timings.push({ name, dur, ...(desc ? { desc } : {}) });
}

/** True when the current request collects timings (so a caller can skip work that only feeds them). */
export function collectingTimings(): boolean {
  return traceContext.get()?.timings !== undefined;
}

/** Runs `fn` and records how long its promise took under `name` (also when it rejects). */
export async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!collectingTimings()) return fn();
  const start = nowMs();
  try {
    return await fn();
  } finally {
    recordTiming(name, nowMs() - start);
  }
}

const TOKEN = /[^A-Za-z0-9!#$%&'*+.^_`|~-]/g;

/** The `Server-Timing` header value for these entries (names sanitised to tokens, descriptions quoted). */
export function serverTimingHeader(entries: readonly TimingEntry[]): string {
  return entries
    .map((e) => {
      const parts = [e.name.replace(TOKEN, '-'), `dur=${Math.max(0, e.dur).toFixed(2)}`];
      if (e.desc) parts.push(`desc=${JSON.stringify(e.desc.replace(/["\\\r\n]/g, ' '))}`);
      return parts.join(';');
    })
    .join(', ');
}

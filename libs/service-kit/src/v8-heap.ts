import { setFlagsFromString } from 'node:v8';

/**
 * Applies `V8_HEAP_GROWING_PERCENT` (0 leaves V8's heuristic alone). Call once at start, before load.
 * V8 reads this flag each time it sets the next full-GC limit, so setting it at run time takes effect
 * from the next GC on (https://nodejs.org/api/v8.html#v8setflagsfromstringflags).
 */
export function applyV8HeapTuning(env: { V8_HEAP_GROWING_PERCENT: number }): void {
  if (env.V8_HEAP_GROWING_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${env.V8_HEAP_GROWING_PERCENT}`);
}

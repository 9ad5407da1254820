/**
 * An AbortSignal for one piece of outbound work: aborted when `timeoutMs` passes without `touch()`,
 * or when any of the caller's signals aborts (with that signal's reason). `dispose()` clears the timer
 * and detaches from the callers' signals.
 *
 * Why not `AbortSignal.any([AbortSignal.timeout(ms), signal])`: on Node 20 each call leaves a timer
 * running for the whole `ms` (Node clears it only once a major GC has collected the signal) plus the
 * weak references `any()` keeps on every source signal; per request on the chat hot path that was
 * ~13 µs of CPU in ai-router and garbage promoted to the old space (RSS after load). One timer that
 * is cleared when the work ends costs neither (docs/performance/chat.md).
 */
export class Deadline {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private readonly detachers: (() => void)[] = [];
  /** True when our timer (not a caller) aborted. */
  timedOut = false;

  /**
   * @param timeoutMs ms of silence allowed: the whole call, or (with `touch()` on progress) the gap between chunks
   * @param parents the callers' signals (undefined entries are ignored)
   */
  constructor(
    readonly timeoutMs: number,
    ...parents: (AbortSignal | undefined)[]
  ) {
    for (const parent of parents) {
      if (!parent) continue;
      if (parent.aborted) {
        this.controller.abort(parent.reason);
        break;
      }
      const onAbort = () => this.abortWith(parent.reason);
      parent.addEventListener('abort', onAbort, { once: true });
      this.detachers.push(() => parent.removeEventListener('abort', onAbort));
    }
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when a caller (not our timer) aborted. */
  get callerAborted(): boolean {
    return this.controller.signal.aborted && !this.timedOut;
  }

  /** Restarts the timer (a stream timed on the gap between chunks); a no-op once aborted. */
  touch(): void {
    if (this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.abortWith(new Error(`no answer within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    this.timer.unref?.();
  }

  /** Stops the timer and detaches from the callers; with `abort`, also cancels whatever still uses the signal. */
  dispose(abort = false): void {
    clearTimeout(this.timer);
    for (const detach of this.detachers.splice(0)) detach();
    if (abort && !this.controller.signal.aborted) this.controller.abort(new Error('abandoned'));
  }

  private abortWith(reason: unknown): void {
    clearTimeout(this.timer);
    for (const detach of this.detachers.splice(0)) detach();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

/**
 * The AbortSignal for one provider attempt: aborted when the caller's signal aborts or when the
 * provider stays silent for `timeoutMs`. `touch()` restarts the timer, so a stream is timed on the
 * gap between chunks (a long answer that keeps flowing is not cut) and generate() on the whole call.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private detach?: () => void;
  timedOut = false;

  constructor(
    private readonly timeoutMs: number,
    parent?: AbortSignal,
  ) {
    if (parent?.aborted) this.controller.abort(parent.reason);
    else if (parent) {
      const onAbort = () => this.controller.abort(parent.reason);
      parent.addEventListener('abort', onAbort, { once: true });
      this.detach = () => parent.removeEventListener('abort', onAbort);
    }
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True when the caller (not our timer) aborted. */
  get callerAborted(): boolean {
    return this.controller.signal.aborted && !this.timedOut;
  }

  touch(): void {
    if (this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`no answer within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    this.timer.unref?.();
  }

  /** Stops the timer; with `abort`, also cancels whatever still uses the signal. */
  dispose(abort = false): void {
    clearTimeout(this.timer);
    this.detach?.();
    if (abort && !this.controller.signal.aborted) this.controller.abort(new Error('attempt abandoned'));
  }
}

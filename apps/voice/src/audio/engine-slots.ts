import { ProcessError } from './process-runner';

/**
 * A counting semaphore for engine processes: on a 2-core host, forty parallel ffmpeg/pocketsphinx
 * processes finish later than the same forty taken four at a time. Waiters leave the queue on abort.
 */
export class EngineSlots {
  private used = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly size: number) {}

  get busy(): number {
    return this.used;
  }

  get queued(): number {
    return this.waiters.length;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new ProcessError('aborted', 'engine', 'the request was cancelled while waiting for an engine slot');
    if (this.used < this.size) {
      this.used++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new ProcessError('aborted', 'engine', 'the request was cancelled while waiting for an engine slot'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
    });
    // The slot was handed over by release(): `used` already counts it.
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.used--;
    };
  }
}

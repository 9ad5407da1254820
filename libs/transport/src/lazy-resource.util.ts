/**
 * A resource made on first use and disposed of at shutdown only if it was made: the gateway loads
 * BullMQ and the S3 SDK, and opens their Redis connections, when a request first needs them
 * (issue 17: ~9 MB of heap and two connections a gateway serving only chat never uses).
 * - `get()` makes it once; concurrent callers share that one attempt. A failed attempt is forgotten,
 *   so the next `get()` tries again.
 * - `close()` disposes of it if it was made (waiting for an attempt in flight), never makes it just
 *   to close it; `get()` after `close()` rejects (nothing is opened during shutdown).
 */
export class LazyResource<T> {
  private made?: Promise<T>;
  private closed = false;

  /**
   * @param what names the resource in the error of a `get()` after `close()`.
   * @param make creates the resource (may be async, e.g. waiting for Redis).
   * @param dispose closes it; errors are the caller of `close()`'s to handle.
   */
  constructor(
    private readonly what: string,
    private readonly make: () => T | Promise<T>,
    private readonly dispose?: (value: T) => unknown,
  ) {}

  /** The resource, made on the first call. Rejects with make()'s error, or when closed. */
  get(): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${this.what} is closed (the process is shutting down)`));
    if (!this.made) {
      const attempt = Promise.resolve().then(this.make);
      this.made = attempt;
      attempt.catch(() => {
        if (this.made === attempt) this.made = undefined;
      });
    }
    return this.made;
  }

  /** Whether `get()` has been called (the resource is made or being made). */
  get created(): boolean {
    return this.made !== undefined;
  }

  /** Disposes of the resource if it was made; a failed attempt leaves nothing to dispose of. */
  async close(): Promise<void> {
    this.closed = true;
    const made = this.made;
    if (!made || !this.dispose) return;
    let value: T;
    try {
      value = await made;
    } catch {
      return;
    }
    await this.dispose(value);
  }
}

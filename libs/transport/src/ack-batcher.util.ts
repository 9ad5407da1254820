import type { TransportRedis } from './redis-connection.factory';

/**
 * XACKs batched per synchronous run: one XACK with many ids instead of one per request. The flush is a
 * microtask, so it runs before ioredis's auto-pipeline (a setImmediate) sends what this run queued: the
 * XACK leaves in the same write as the reply XADD that preceded it (one syscall, not two). `flush`
 * sends what is queued at once (shutdown).
 */
export class AckBatcher {
  private queue: string[] = [];

  constructor(
    private readonly stream: string,
    private readonly group: string,
    private readonly connection: () => TransportRedis | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  ack(entryId: string): void {
    this.queue.push(entryId);
    if (this.queue.length === 1)
      queueMicrotask(() => {
        const cmd = this.connection();
        if (cmd) this.flush(cmd);
      });
  }

  flush(cmd: TransportRedis): void {
    const ids = this.queue;
    if (ids.length === 0) return;
    this.queue = [];
    cmd.call('XACK', this.stream, this.group, ...ids).catch((err) => this.warn(`XACK: ${(err as Error).message}`));
  }
}

import type { TransportRedis } from './redis-connection.factory';

/**
 * XACKs batched per event-loop turn: one XACK with many ids instead of one per request. `flush`
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
      setImmediate(() => {
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

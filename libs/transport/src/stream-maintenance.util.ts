import type { Logger } from '@nestjs/common';
import { HEARTBEAT_INTERVAL_MS, presenceKey } from './transport.constants';
import type { TransportMetrics } from './transport.metrics';
import type { TransportRedis } from './redis-connection.factory';

export interface MaintenanceDeps {
  cmd: TransportRedis;
  service: string;
  stream: string;
  group: string;
  consumer: string;
  claimIdleMs: number;
  deadConsumerIdleMs: number;
  logger: Logger;
  metrics: TransportMetrics;
  /** Entry ids this replica is still working on. */
  inFlightIds(): string[];
  isInFlight(id: string): boolean;
  freeSlots(): number;
  dispatchReclaimed(id: string, fields: string[]): void;
  ack(id: string): void;
}

const toPairs = (flat: unknown[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
};

/**
 * The periodic jobs that make a consumer group safe when replicas die:
 * - heartbeat: presence for clients' fail-fast check;
 * - touch: reset the idle time of entries this replica is still handling, so they never look dead;
 * - reclaim: XAUTOCLAIM entries idle longer than claimIdleMs (their replica stopped touching them);
 * - prune: remove consumers that have been gone for minutes and own nothing.
 * Every replica runs them; they are idempotent, so no leader election is needed.
 */
export class StreamMaintenance {
  private timers: NodeJS.Timeout[] = [];
  private cursor = '0-0';
  private claimBusy = false;
  private lastWarning = '';

  constructor(private readonly d: MaintenanceDeps) {}

  start(): void {
    const claimTick = Math.max(100, Math.floor(this.d.claimIdleMs / 3));
    const pruneTick = Math.max(1_000, Math.min(30_000, Math.floor(this.d.deadConsumerIdleMs / 2)));
    const every = (ms: number, job: () => Promise<unknown>) =>
      this.timers.push(setInterval(() => void job().catch((err) => this.warn(err)), ms));
    every(HEARTBEAT_INTERVAL_MS, () => this.heartbeat());
    every(claimTick, () => this.claimCycle());
    every(pruneTick, () => this.pruneDeadConsumers());
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  heartbeat(): Promise<number> {
    return this.d.cmd.nitroHeartbeat(presenceKey(this.d.service), this.d.consumer, this.d.deadConsumerIdleMs);
  }

  private async claimCycle(): Promise<void> {
    if (this.claimBusy) return; // a slow Redis must not pile up overlapping cycles
    this.claimBusy = true;
    try {
      const ids = this.d.inFlightIds();
      if (ids.length > 0) await this.d.cmd.nitroTouch(this.d.stream, this.d.group, this.d.consumer, ...ids);
      await this.reclaim();
    } finally {
      this.claimBusy = false;
    }
  }

  private async reclaim(): Promise<void> {
    const free = this.d.freeSlots();
    if (free <= 0) return;
    const reply = (await this.d.cmd.call(
      'XAUTOCLAIM',
      this.d.stream,
      this.d.group,
      this.d.consumer,
      this.d.claimIdleMs,
      this.cursor,
      'COUNT',
      free,
    )) as [string, [string, string[] | null][], string[]?];
    this.cursor = reply[0];
    // Entries trimmed away while pending come back as ids only (Redis 7 drops them from the PEL).
    this.d.metrics.reclaimedEntries(this.d.service, 'deleted', reply[2]?.length ?? 0);
    for (const [id, fields] of reply[1]) {
      if (this.d.isInFlight(id)) continue; // our own entry whose keep-alive was late: still being handled
      if (!fields) this.d.ack(id);
      else this.d.dispatchReclaimed(id, fields);
    }
  }

  private async pruneDeadConsumers(): Promise<void> {
    const consumers = (await this.d.cmd.call('XINFO', 'CONSUMERS', this.d.stream, this.d.group)) as unknown[][];
    for (const raw of consumers) {
      const info = toPairs(raw);
      const name = String(info.name);
      // Only consumers that own nothing: DELCONSUMER would silently drop their pending entries.
      if (name !== this.d.consumer && Number(info.pending) === 0 && Number(info.idle) > this.d.deadConsumerIdleMs) {
        await this.d.cmd.call('XGROUP', 'DELCONSUMER', this.d.stream, this.d.group, name);
        await this.d.cmd.zrem(presenceKey(this.d.service), name);
        this.d.logger.log(`removed dead consumer ${name} from group ${this.d.group}`);
      }
    }
  }

  /** On graceful shutdown: leave presence, and the group too if nothing is left pending for us. */
  async leave(): Promise<void> {
    await this.d.cmd.zrem(presenceKey(this.d.service), this.d.consumer);
    const mine = (await this.d.cmd.call('XPENDING', this.d.stream, this.d.group, '-', '+', 1, this.d.consumer)) as unknown[];
    if (mine.length === 0) await this.d.cmd.call('XGROUP', 'DELCONSUMER', this.d.stream, this.d.group, this.d.consumer);
  }

  private warn(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    // NOGROUP right after a Redis restart is expected: the read loop recreates the group.
    if (message.startsWith('NOGROUP') || message === this.lastWarning) return;
    this.lastWarning = message; // one line per distinct problem, not one per tick while Redis is down
    this.d.logger.warn(`stream maintenance for ${this.d.stream}: ${message}`);
  }
}

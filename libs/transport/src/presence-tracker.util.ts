import { PRESENCE_CACHE_MS, PRESENCE_WINDOW_MS, presenceKey } from './transport.constants';
import type { TransportRedis } from './redis-connection.factory';

/**
 * Client-side view of "does the service have a live replica?", from the replicas' heartbeats.
 * Cached so the hot path never waits for it: a fresh answer is used as is, a stale positive one
 * is still trusted while a refresh runs in the background; only an unknown answer is awaited.
 */
export class PresenceTracker {
  private live?: boolean;
  private checkedAt = 0;
  private inflight?: Promise<boolean>;

  constructor(
    private readonly redis: TransportRedis,
    private readonly service: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** true/false when known, undefined when the caller must await check(). */
  cached(): boolean | undefined {
    const age = this.now() - this.checkedAt;
    if (age < PRESENCE_CACHE_MS) return this.live;
    if (this.live && age < PRESENCE_WINDOW_MS) {
      void this.check().catch(() => undefined);
      return true;
    }
    return undefined;
  }

  check(): Promise<boolean> {
    this.inflight ??= this.redis
      .nitroLiveReplicas(presenceKey(this.service), PRESENCE_WINDOW_MS)
      .then((count) => {
        this.live = count > 0;
        this.checkedAt = this.now();
        return this.live;
      })
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  invalidate(): void {
    this.live = undefined;
    this.checkedAt = 0;
  }
}

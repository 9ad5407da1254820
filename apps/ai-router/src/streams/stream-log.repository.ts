import type { Redis } from 'ioredis';
import { chatStreamKeys, CHAT_STREAM_STOP_CHANNEL, type ChatStreamEvent, type StreamState, type TurnStatus } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { duplicateRedis } from '@nitro/transport';

/** Outcome of claiming a stream for generation (see CLAIM_SCRIPT). */
export type ClaimResult = { kind: 'claimed'; stopRequested: boolean } | { kind: 'taken'; state: StreamState };

/**
 * Atomically: a `pending` stream (registered by a gateway) or an unknown one becomes `running` on
 * this replica; anything else is left alone and its state returned. This is what makes a reclaimed
 * request (its first replica died) unable to start a second generation of the same turn.
 * KEYS[1] meta; ARGV: replica, now (ms), ttl (ms), user_id, kind.
 */
const CLAIM_SCRIPT = `
local s = redis.call('HGET', KEYS[1], 'status')
if s and s ~= 'pending' then return {0, s} end
if not s then redis.call('HSET', KEYS[1], 'user_id', ARGV[4], 'kind', ARGV[5]) end
redis.call('HSET', KEYS[1], 'status', 'running', 'replica', ARGV[1], 'hb', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, redis.call('HGET', KEYS[1], 'stop') or ''}
`;

/**
 * The Redis side of a tracked stream: the meta hash, the event log (a Redis Stream whose entry ids
 * are `0-<seq>`, so `Last-Event-ID: n` maps to XRANGE `(0-n`), reader presence and the stop channel.
 * Keys: `chatStreamKeys` in libs/contracts. Commands are sent without waiting where order is
 * enough (one connection keeps them in order); the end of a stream is awaited.
 */
export class StreamLogRepository {
  private subscriber?: Redis;

  constructor(
    private readonly redis: Redis,
    private readonly replica: string,
  ) {}

  async claim(streamId: string, userId: string, kind: string, runningTtlMs: number): Promise<ClaimResult> {
    const [ok, value] = (await this.redis.eval(
      CLAIM_SCRIPT,
      1,
      chatStreamKeys(streamId).meta,
      this.replica,
      Date.now(),
      runningTtlMs,
      userId,
      kind,
    )) as [number, string];
    return ok === 1 ? { kind: 'claimed', stopRequested: value === '1' } : { kind: 'taken', state: value as StreamState };
  }

  /**
   * Appends one numbered event (not awaited: order is kept by the connection). The first event
   * creates the log, so it also gives it the running TTL: a replica that dies before its first
   * heartbeat must not leave a log without an expiry.
   */
  append(streamId: string, event: ChatStreamEvent & { id: number }, runningTtlMs: number): void {
    const key = chatStreamKeys(streamId).events;
    const warn = (err: unknown) => getLogger().warn({ err, streamId }, 'could not log a stream event');
    this.redis.xadd(key, `0-${event.id}`, 'e', JSON.stringify(event)).catch(warn);
    if (event.id === 1) this.redis.pexpire(key, runningTtlMs).catch(warn);
  }

  /**
   * Heartbeat of a running generator: refreshes `hb` and the TTLs, and reports whether a stop was
   * asked for and whether some gateway is replaying the stream to a reader.
   */
  async heartbeat(streamId: string, runningTtlMs: number): Promise<{ stopRequested: boolean; readers: boolean }> {
    const k = chatStreamKeys(streamId);
    const res = await this.redis
      .multi()
      .hset(k.meta, 'hb', Date.now())
      .pexpire(k.meta, runningTtlMs)
      .pexpire(k.events, runningTtlMs)
      .hget(k.meta, 'stop')
      .exists(k.readers)
      .exec();
    return { stopRequested: res?.[3]?.[1] === '1', readers: Number(res?.[4]?.[1] ?? 0) > 0 };
  }

  /** The end: final state, whether the turn was stored, and the retention TTL on every key. */
  async finish(streamId: string, status: TurnStatus, stored: boolean, ttlSeconds: number): Promise<void> {
    const k = chatStreamKeys(streamId);
    await this.redis
      .multi()
      .hset(k.meta, 'status', status, 'stored', stored ? '1' : '0')
      .expire(k.meta, ttlSeconds)
      .expire(k.events, ttlSeconds)
      .exec();
  }

  /**
   * A request for a stream that another replica was running came back (that replica died and the
   * transport reclaimed it): the client already got REPLICA_LOST, so the stream ends `failed` with
   * one error event for readers, and nothing is generated or stored.
   */
  async markLost(streamId: string, ttlSeconds: number): Promise<void> {
    const k = chatStreamKeys(streamId);
    const last = (await this.redis.xrevrange(k.events, '+', '-', 'COUNT', 1)) as [string, string[]][];
    const lastSeq = last.length ? Number(last[0][0].split('-')[1]) : 0;
    const lastType = last.length ? (JSON.parse(last[0][1][1]) as ChatStreamEvent).type : undefined;
    if (lastType === 'done' || lastType === 'error') return;
    const event = {
      id: lastSeq + 1,
      type: 'error',
      status: 502,
      code: 'REPLICA_LOST',
      message:
        'the ai-router replica generating this answer stopped; nothing was stored. Send the message again (with the same Idempotency-Key it is not duplicated).',
      incomplete: lastSeq > 0,
    };
    await this.redis
      .multi()
      .xadd(k.events, `0-${event.id}`, 'e', JSON.stringify(event))
      .hset(k.meta, 'status', 'failed', 'stored', '0')
      .expire(k.meta, ttlSeconds)
      .expire(k.events, ttlSeconds)
      .exec();
  }

  /** Calls `onStop(streamId)` for every stop published by a gateway (all replicas hear it; the owner acts). */
  async listenForStops(onStop: (streamId: string) => void): Promise<void> {
    const sub = duplicateRedis(this.redis, 'nitro:ai-router:stream-stop');
    this.subscriber = sub;
    sub.on('message', (_channel: string, streamId: string) => onStop(streamId));
    sub.on('error', (err: Error) => getLogger().warn({ err }, 'stream stop channel'));
    await sub.subscribe(CHAT_STREAM_STOP_CHANNEL);
  }

  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}

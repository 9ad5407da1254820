import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import {
  chatIdempotencyKey,
  chatStreamKeys,
  CHAT_STREAM_STOP_CHANNEL,
  READER_HEARTBEAT_MS,
  READER_TTL_MS,
  STREAM_LOST_AFTER_MS,
  TERMINAL_STREAM_STATES,
  type ChatStreamEvent,
  type StreamKind,
  type StreamState,
} from '@nitro/contracts';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { duplicateRedis } from '@nitro/transport';

/** A stream's meta hash as the gateway reads it. */
export interface StreamMeta {
  user_id: string;
  /** Who opened it (an admin may chat for someone else). */
  caller: string;
  kind: StreamKind;
  status: StreamState;
  /** ms epoch of the generator's last heartbeat. */
  hb?: number;
  /** True once the turn is in the conversation memory. */
  stored: boolean;
}

/** How long (ms) a registered stream waits for ai-router to claim it before it expires. */
const PENDING_TTL_MS = 5 * 60_000;
/** An Idempotency-Key maps to its turn this long (s). */
export const IDEMPOTENCY_TTL_S = 600;
/** A reader blocks this long (ms) on the log before it checks that the generator is alive. */
const FOLLOW_BLOCK_MS = 3_000;

/** Sets `stop` only on a stream that still exists (a late stop must not recreate an expired hash without a TTL). */
const REQUEST_STOP_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'stop', '1')
return 1
`;

/**
 * The gateway's side of tracked chat streams in Redis (keys: `chatStreamKeys` in libs/contracts;
 * the lifecycle: docs/adr/0006-chat-stream-lifecycle.md): registering a stream before ai-router
 * claims it, Idempotency-Key mapping, reading the event log from any gateway, and stop requests.
 */
@Injectable()
export class ChatStreamRepository {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  /** Registers a new stream as `pending` for its owner. */
  async register(streamId: string, owner: { userId: string; caller: string }, kind: StreamKind): Promise<void> {
    const { meta } = chatStreamKeys(streamId);
    await this.redis
      .multi()
      .hset(meta, 'user_id', owner.userId, 'caller', owner.caller, 'kind', kind, 'status', 'pending')
      .pexpire(meta, PENDING_TTL_MS)
      .exec();
  }

  /**
   * Maps (user, Idempotency-Key) to `streamId` unless already mapped; returns the stream the key
   * already names, or undefined when `streamId` now owns it. `replace` overwrites the mapping.
   */
  async claimIdempotencyKey(userId: string, key: string, streamId: string, replace = false): Promise<string | undefined> {
    const k = chatIdempotencyKey(userId, createHash('sha256').update(key).digest('hex'));
    if (replace) {
      await this.redis.set(k, streamId, 'EX', IDEMPOTENCY_TTL_S);
      return undefined;
    }
    const set = await this.redis.set(k, streamId, 'EX', IDEMPOTENCY_TTL_S, 'NX');
    return set ? undefined : ((await this.redis.get(k)) ?? undefined);
  }

  async meta(streamId: string): Promise<StreamMeta | undefined> {
    const h = await this.redis.hgetall(chatStreamKeys(streamId).meta);
    if (!h.user_id || !h.status) return undefined;
    return {
      user_id: h.user_id,
      caller: h.caller ?? h.user_id,
      kind: (h.kind as StreamKind) ?? 'chat',
      status: h.status as StreamState,
      hb: h.hb ? Number(h.hb) : undefined,
      stored: h.stored === '1',
    };
  }

  /** Marks the stream as asked to stop and tells every ai-router replica; false if it is gone. */
  async requestStop(streamId: string): Promise<boolean> {
    const ok = await this.redis.eval(REQUEST_STOP_SCRIPT, 1, chatStreamKeys(streamId).meta);
    if (ok !== 1) return false;
    await this.redis.publish(CHAT_STREAM_STOP_CHANNEL, streamId);
    return true;
  }

  /**
   * The stream's events after `afterId` (0: from the start), then live until `done` or `error`.
   * While subscribed, the reader's presence keeps the generation going (READER_TTL_MS). A generator
   * silent for STREAM_LOST_AFTER_MS (its replica died) ends the replay with one REPLICA_LOST error.
   * One blocking Redis connection per reader: resumes are rare next to live streams.
   */
  follow(streamId: string, afterId: number): Observable<ChatStreamEvent> {
    const keys = chatStreamKeys(streamId);
    return new Observable<ChatStreamEvent>((out) => {
      const conn = duplicateRedis(this.redis, 'nitro:gateway:stream-reader');
      conn.on('error', () => undefined); // surfaced through the failing XREAD below
      let open = true;
      let last = afterId;
      const present = () => this.redis.set(keys.readers, '1', 'PX', READER_TTL_MS).catch(() => undefined);
      void present();
      const beat = setInterval(present, READER_HEARTBEAT_MS);
      const loop = async () => {
        // First read without blocking: an ended stream with nothing after `afterId` ends here at once.
        let block = false;
        while (open) {
          const args = block ? ['COUNT', 512, 'BLOCK', FOLLOW_BLOCK_MS] : ['COUNT', 512];
          const res = (await conn.xread(...(args as ['COUNT', number]), 'STREAMS', keys.events, `0-${last}`)) as
            [string, [string, string[]][]][] | null;
          if (!open) return;
          if (!res) {
            const state = await this.state(streamId);
            if (state === 'ended') return out.complete(); // nothing after the Last-Event-ID: the client already has it all
            if (state === 'lost') {
              out.next({
                type: 'error',
                id: last + 1,
                status: 502,
                code: 'REPLICA_LOST',
                message: 'the replica generating this answer stopped; the answer was not stored',
                incomplete: last > 0,
              });
              return out.complete();
            }
            block = true;
            continue;
          }
          for (const [entryId, fields] of res[0][1]) {
            const event = JSON.parse(fields[1]) as ChatStreamEvent;
            last = Number(entryId.split('-')[1]);
            out.next(event);
            if (event.type === 'done' || event.type === 'error') return out.complete();
          }
        }
      };
      loop().catch((err: Error) => open && out.error(err));
      return () => {
        open = false;
        clearInterval(beat);
        conn.disconnect();
      };
    });
  }

  /**
   * Where a stream stands for a reader: `ended` (a final status: its last event is in the log),
   * `lost` (no meta any more, or a running generator without a heartbeat for STREAM_LOST_AFTER_MS),
   * else `live`.
   */
  async state(streamId: string): Promise<'live' | 'ended' | 'lost'> {
    const meta = await this.meta(streamId);
    if (!meta) return 'lost';
    if (TERMINAL_STREAM_STATES.includes(meta.status)) return 'ended';
    return meta.status === 'running' && !!meta.hb && Date.now() - meta.hb > STREAM_LOST_AFTER_MS ? 'lost' : 'live';
  }

  /**
   * Records a stream whose generator died (its replica is gone and no other took the request) as
   * failed and unstored, so a stop answers at once, readers end, and an Idempotency-Key retry
   * generates the turn again. Only a `running` stream is changed. Returns its status after.
   */
  async markLostIfRunning(streamId: string, ttlSeconds: number): Promise<StreamState | undefined> {
    const k = chatStreamKeys(streamId);
    const res = (await this.redis.eval(MARK_LOST_SCRIPT, 2, k.meta, k.events, ttlSeconds)) as string | null;
    return (res ?? undefined) as StreamState | undefined;
  }
}

/** KEYS: meta, events; ARGV: ttl seconds. running -> failed (stored 0), TTL on both keys; returns the status. */
const MARK_LOST_SCRIPT = `
local s = redis.call('HGET', KEYS[1], 'status')
if s == 'running' then
  redis.call('HSET', KEYS[1], 'status', 'failed', 'stored', '0')
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  return 'failed'
end
return s
`;

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
  type ChatStreamEvent,
  type StreamKind,
  type StreamState,
} from '@nitro/contracts';
import { REDIS_CLIENT } from '@nitro/service-kit';

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
    await this.redis.multi().hset(meta, 'user_id', owner.userId, 'caller', owner.caller, 'kind', kind, 'status', 'pending').pexpire(meta, PENDING_TTL_MS).exec();
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
    return { user_id: h.user_id, caller: h.caller ?? h.user_id, kind: (h.kind as StreamKind) ?? 'chat', status: h.status as StreamState, hb: h.hb ? Number(h.hb) : undefined, stored: h.stored === '1' };
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
      const conn = this.redis.duplicate({ connectionName: 'nitro:gateway:stream-reader' });
      conn.on('error', () => undefined); // surfaced through the failing XREAD below
      let open = true;
      let last = afterId;
      const present = () => this.redis.set(keys.readers, '1', 'PX', READER_TTL_MS).catch(() => undefined);
      void present();
      const beat = setInterval(present, READER_HEARTBEAT_MS);
      const loop = async () => {
        while (open) {
          const res = (await conn.xread('COUNT', 512, 'BLOCK', FOLLOW_BLOCK_MS, 'STREAMS', keys.events, `0-${last}`)) as [string, [string, string[]][]][] | null;
          if (!open) return;
          if (!res) {
            if (await this.lost(streamId)) {
              out.next({ type: 'error', id: last + 1, status: 502, code: 'REPLICA_LOST', message: 'the replica generating this answer stopped; the answer was not stored', incomplete: last > 0 });
              return out.complete();
            }
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

  /** No meta any more, or a running generator without a heartbeat for STREAM_LOST_AFTER_MS. */
  private async lost(streamId: string): Promise<boolean> {
    const meta = await this.meta(streamId);
    if (!meta) return true;
    return meta.status === 'running' && !!meta.hb && Date.now() - meta.hb > STREAM_LOST_AFTER_MS;
  }
}

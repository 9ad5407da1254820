import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { chatAttachmentKey, type ChatAttachmentTextDto } from '@nitro/contracts';
import { REDIS_CLIENT } from '@nitro/service-kit';

/** An attachment as kept in Redis: its text and what the 201 said about it. */
export type StoredAttachment = Required<ChatAttachmentTextDto>;

/** Extracted attachment text per user in Redis (chatAttachmentKey: one string of JSON, with the TTL set on write). */
@Injectable()
export class AttachmentsRepository {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async put(userId: string, id: string, value: StoredAttachment, ttlSeconds: number): Promise<void> {
    await this.redis.set(chatAttachmentKey(userId, id), JSON.stringify(value), 'EX', ttlSeconds);
  }

  /** The user's attachments by id, in order; undefined where there is none (unknown, expired, or another user's). */
  async get(userId: string, ids: string[]): Promise<(StoredAttachment | undefined)[]> {
    if (!ids.length) return [];
    // One slot per user ({u:<user>}): a single MGET also on a Redis Cluster.
    const raw = await this.redis.mget(...ids.map((id) => chatAttachmentKey(userId, id)));
    return raw.map((r) => {
      if (!r) return undefined;
      try {
        return JSON.parse(r) as StoredAttachment;
      } catch {
        return undefined;
      }
    });
  }
}

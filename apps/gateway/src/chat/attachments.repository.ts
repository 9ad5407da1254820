import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { chatAttachmentKey, type ChatAttachmentTextDto, type ChatImageMime } from '@nitro/contracts';
import { REDIS_CLIENT } from '@nitro/service-kit';

/** A text or PDF attachment as kept in Redis: its text and what the 201 said about it. */
export type StoredTextAttachment = Required<ChatAttachmentTextDto>;

/** An image attachment as kept in Redis: its type (read from the bytes), its bytes as base64, and their count. */
export interface StoredImageAttachment {
  name: string;
  kind: 'image';
  mime: ChatImageMime;
  /** Standard base64 of the file, padded. */
  data: string;
  bytes: number;
}

export type StoredAttachment = StoredTextAttachment | StoredImageAttachment;

/**
 * Attachments per user in Redis (chatAttachmentKey: one string of JSON, with the TTL set on write): extracted text,
 * or an image's bytes as base64 (at most CHAT_ATTACHMENT_MAX_IMAGE_BYTES, so about 6.7 MB of JSON by default).
 */
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

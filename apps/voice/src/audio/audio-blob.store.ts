import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { VOICE_BLOB_TTL_MS, voiceBlobKey } from '@nitro/contracts';
import { REDIS_CLIENT } from '@nitro/service-kit';

/**
 * Audio bytes between gateway and voice live in short-lived Redis keys, not in stream entries
 * (which stay until MAXLEN trims them). Taken with GETDEL: read once, gone at once.
 */
@Injectable()
export class AudioBlobStore {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async put(bytes: Buffer): Promise<string> {
    const id = randomUUID();
    await this.redis.set(voiceBlobKey(id), bytes, 'PX', VOICE_BLOB_TTL_MS);
    return id;
  }

  take(id: string): Promise<Buffer | null> {
    return this.redis.getdelBuffer(voiceBlobKey(id));
  }

  async drop(id: string): Promise<void> {
    await this.redis.del(voiceBlobKey(id));
  }
}

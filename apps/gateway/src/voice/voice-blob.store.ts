import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { VOICE_BLOB_TTL_MS, voiceBlobKey } from '@nitro/contracts';
import { REDIS_CLIENT } from '@nitro/service-kit';

/**
 * The gateway's side of the voice blob handover (see docs/adr/0004-voice-pipeline.md): uploads go
 * into a short-lived key the voice service takes; synthesized audio comes back the same way.
 */
@Injectable()
export class VoiceBlobStore {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async put(bytes: Buffer): Promise<string> {
    const id = randomUUID();
    await this.redis.set(voiceBlobKey(id), bytes, 'PX', VOICE_BLOB_TTL_MS);
    return id;
  }

  take(id: string): Promise<Buffer | null> {
    return this.redis.getdelBuffer(voiceBlobKey(id));
  }
}

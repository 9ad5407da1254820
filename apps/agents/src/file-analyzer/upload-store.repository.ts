import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { agentUploadKey, ERROR_CODES } from '@nitro/contracts';
import { REDIS_CLIENT, ServiceError } from '@nitro/service-kit';

/** Uploads the gateway parked in Redis: read once and deleted in the same command (GETDEL). */
@Injectable()
export class UploadStore {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async take(userId: string, uploadId: string): Promise<Buffer> {
    const bytes = await this.redis.getdelBuffer(agentUploadKey(userId, uploadId));
    if (!bytes) throw new ServiceError(404, ERROR_CODES.notFound, 'upload_id is unknown or has expired; upload the file again');
    return bytes;
  }
}

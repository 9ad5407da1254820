import { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { MediaEnv } from '@nitro/config';
import { GalleryObjectsRepository, lazyS3Client } from '@nitro/media-store';
import { ReadinessCheck, READINESS_CHECKS } from '@nitro/observability';
import { REDIS_CLIENT } from '@nitro/service-kit';

/** /health/ready: Redis and the gallery bucket (this replica cannot store a picture without both). */
export const mediaReadiness: Provider = {
  provide: READINESS_CHECKS,
  inject: [REDIS_CLIENT, MediaEnv],
  useFactory: (redis: Redis, env: MediaEnv): ReadinessCheck[] => {
    const objects = new GalleryObjectsRepository(lazyS3Client(env), env.S3_BUCKET, Math.min(env.S3_TIMEOUT_MS, 2_000));
    return [
      { name: 'redis', check: () => redis.ping() },
      { name: 's3', check: () => objects.ping() },
    ];
  },
};

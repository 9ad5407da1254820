import { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { MediaEnv } from '@nitro/config';
import { ReadinessCheck, READINESS_CHECKS } from '@nitro/observability';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { createS3Client, GalleryIndexRepository, GalleryObjectsRepository, GalleryStore } from '@nitro/storage';

export const GALLERY_STORE = Symbol('GALLERY_STORE');

export function buildGalleryStore(env: MediaEnv, redis: Redis): GalleryStore {
  return new GalleryStore(new GalleryObjectsRepository(createS3Client(env), env.S3_BUCKET, env.S3_TIMEOUT_MS), new GalleryIndexRepository(redis));
}

export const galleryStoreProvider: Provider = {
  provide: GALLERY_STORE,
  inject: [MediaEnv, REDIS_CLIENT],
  useFactory: buildGalleryStore,
};

/** /health/ready: Redis and the gallery bucket (this replica cannot store a picture without both). */
export const mediaReadiness: Provider = {
  provide: READINESS_CHECKS,
  inject: [REDIS_CLIENT, MediaEnv],
  useFactory: (redis: Redis, env: MediaEnv): ReadinessCheck[] => {
    const objects = new GalleryObjectsRepository(createS3Client(env), env.S3_BUCKET, Math.min(env.S3_TIMEOUT_MS, 2_000));
    return [
      { name: 'redis', check: () => redis.ping() },
      { name: 's3', check: () => objects.ping() },
    ];
  },
};

import { DynamicModule, Module, type InjectionToken, type Provider, type Type } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type CommonEnv, redisTopology } from '@nitro/config';
import { GalleryIndexRepository } from './gallery-index.repository';
import { GalleryObjectsRepository } from './gallery-objects.repository';
import { GalleryStore } from './gallery.store';
import { ImageJobFollower } from './image-job-follower';
import { IMAGE_JOB_PRESENTER, type ImageJobPresenter } from './image-job-state';
import { IMAGE_QUEUE, IMAGE_QUEUE_EVENTS, imageQueueEventsHandle, imageQueueHandle, MediaQueueLifecycle } from './image-queue';
import { lazyS3Client, type S3Settings } from './s3-client.factory';

export const GALLERY_STORE = Symbol('GALLERY_STORE');

/** What the lib reads from a service's env class (MediaEnv and GatewayEnv both have these). */
export type MediaStoreEnv = S3Settings & CommonEnv;

export interface MediaStoreOptions {
  /** Who opens the connections ('gateway', 'media'): named in Redis CLIENT LIST. */
  owner: string;
  /** The service's env class, a provider in a global module (ServiceKitModule, the gateway's config). */
  env: Type<MediaStoreEnv>;
  /** The service's shared Redis client (REDIS_CLIENT), where the gallery index lives. */
  redis: InjectionToken;
  /** Follow jobs (one QueueEvents reader fanned out by ImageJobFollower): the gateway, with its URLs. */
  follow?: { presenter: ImageJobPresenter };
}

/** The gallery store from a service's env and Redis client (also used by tests and the readiness check). */
export function buildGalleryStore(env: S3Settings, redis: Redis): GalleryStore {
  return new GalleryStore(
    new GalleryObjectsRepository(lazyS3Client(env), env.S3_BUCKET, env.S3_TIMEOUT_MS),
    new GalleryIndexRepository(redis),
  );
}

/**
 * Media knowledge in one module, for the media service and the gateway alike: GALLERY_STORE (S3
 * objects + Redis index, ADR 0003 §4), IMAGE_QUEUE on its own BullMQ connection, and with `follow`
 * IMAGE_QUEUE_EVENTS and ImageJobFollower. BullMQ, the S3 SDK and their connections are made on
 * first use (issue 17: a gateway serving only chat never loads them); queue and events close with
 * the application if they were made.
 */
@Module({})
export class MediaStoreModule {
  static register(opts: MediaStoreOptions): DynamicModule {
    const providers: Provider[] = [
      {
        provide: GALLERY_STORE,
        inject: [opts.env, opts.redis],
        useFactory: (env: MediaStoreEnv, redis: Redis) => buildGalleryStore(env, redis),
      },
      { provide: IMAGE_QUEUE, inject: [opts.env], useFactory: (env: MediaStoreEnv) => imageQueueHandle(redisTopology(env), opts.owner) },
      MediaQueueLifecycle,
    ];
    const exported: (InjectionToken | Provider)[] = [GALLERY_STORE, IMAGE_QUEUE];
    if (opts.follow) {
      providers.push(
        {
          provide: IMAGE_QUEUE_EVENTS,
          inject: [opts.env],
          useFactory: (env: MediaStoreEnv) => imageQueueEventsHandle(redisTopology(env), opts.owner),
        },
        { provide: IMAGE_JOB_PRESENTER, useValue: opts.follow.presenter },
        ImageJobFollower,
      );
      exported.push(IMAGE_QUEUE_EVENTS, ImageJobFollower);
    }
    return { module: MediaStoreModule, providers, exports: exported };
  }
}

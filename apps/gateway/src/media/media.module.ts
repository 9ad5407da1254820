import { Module } from '@nestjs/common';
import { GatewayEnv } from '@nitro/config';
import { MediaStoreModule } from '@nitro/media-store';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { UsersModule } from '../users/users.module';
import { GalleryController } from './gallery.controller';
import { GalleryService } from './gallery.service';
import { ImageJobsService } from './image-jobs.service';
import { ImagesController } from './images.controller';
import { imageJobPresenter } from './image-urls';

/**
 * Image generation (BullMQ jobs) and the gallery (S3 + Redis index) at the edge: routes, DTOs,
 * URLs and who may see what. Queue, job state, the follower and the store are @nitro/media-store's.
 */
@Module({
  imports: [
    UsersModule,
    MediaStoreModule.register({ owner: 'gateway', env: GatewayEnv, redis: REDIS_CLIENT, follow: { presenter: imageJobPresenter } }),
  ],
  controllers: [ImagesController, GalleryController],
  providers: [ImageJobsService, GalleryService],
  exports: [ImageJobsService, GalleryService],
})
export class MediaModule {}

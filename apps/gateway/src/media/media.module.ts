import { Module } from '@nestjs/common';
import { GalleryController } from './gallery.controller';
import { GalleryService } from './gallery.service';
import { ImageJobsService } from './image-jobs.service';
import { ImagesController } from './images.controller';
import { JobEventsService } from './job-events.service';
import { mediaQueueProviders, MediaQueueLifecycle } from './media-queue.provider';

/** Image generation (BullMQ jobs) and the gallery (S3 + Redis index) at the edge. */
@Module({
  controllers: [ImagesController, GalleryController],
  providers: [...mediaQueueProviders, MediaQueueLifecycle, JobEventsService, ImageJobsService, GalleryService],
})
export class MediaModule {}

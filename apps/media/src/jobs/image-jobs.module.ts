import { Module } from '@nestjs/common';
import { MediaEnv } from '@nitro/config';
import { MediaStoreModule } from '@nitro/media-store';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { GalleryWriterService } from '../gallery/gallery-writer.service';
import { GallerySweepService, LIVE_JOB_CHECK } from '../gallery/gallery-sweep.service';
import { ImageGenerationService } from '../providers/image-generation.service';
import { ImageProviderRegistry } from '../providers/image-provider.registry';
import { ProviderBackoffStore } from '../providers/provider-backoff.store';
import { ImageJobProcessor } from './image-job.processor';
import { ImageWorkerService } from './image-worker.service';
import { MediaHandler } from './media.handler';

/** Image jobs end to end: providers, the BullMQ worker, the gallery writer and its repair sweep. */
@Module({
  imports: [MediaStoreModule.register({ owner: 'media', env: MediaEnv, redis: REDIS_CLIENT })],
  controllers: [MediaHandler],
  providers: [
    ProviderBackoffStore,
    ImageProviderRegistry,
    ImageGenerationService,
    GalleryWriterService,
    ImageJobProcessor,
    ImageWorkerService,
    { provide: LIVE_JOB_CHECK, inject: [ImageWorkerService], useFactory: (w: ImageWorkerService) => (jobId: string) => w.isLive(jobId) },
    GallerySweepService,
  ],
})
export class ImageJobsModule {}

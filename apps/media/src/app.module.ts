import { DynamicModule, Module } from '@nestjs/common';
import { MediaEnv } from '@nitro/config';
import { ServiceKitModule } from '@nitro/service-kit';
import { mediaReadiness } from './gallery/gallery-store.provider';
import { ImageJobsModule } from './jobs/image-jobs.module';

@Module({})
export class AppModule {
  static register(env: MediaEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forService({ service: 'media', env, readiness: [mediaReadiness] }), ImageJobsModule],
    };
  }
}

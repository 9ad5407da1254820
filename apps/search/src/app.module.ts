import { DynamicModule, Module } from '@nestjs/common';
import { SearchEnv } from '@nitro/config';
import { ServiceKitModule } from '@nitro/service-kit';
import { SearchModule } from './search/search.module';

@Module({})
export class AppModule {
  static register(env: SearchEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forService({ service: 'search', env }), SearchModule],
    };
  }
}

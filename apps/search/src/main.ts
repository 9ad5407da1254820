import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { loadConfigOrExit, SearchEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { bootstrapService } from '@nitro/service-kit';
import { AppModule } from './app.module';

const env = loadConfigOrExit(SearchEnv, 'search');
// NestFactory takes a dynamic module as well; bootstrapService's signature only names classes.
bootstrapService('search', AppModule.register(env) as unknown as Type<unknown>, env).catch((err) => {
  getLogger().fatal({ err }, 'search failed to start');
  process.exit(1);
});

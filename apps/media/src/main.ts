import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { loadConfigOrExit, MediaEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { bootstrapService } from '@nitro/service-kit';
import { AppModule } from './app.module';

const env = loadConfigOrExit(MediaEnv, 'media');
// NestFactory takes a dynamic module as well; bootstrapService's signature only names classes.
bootstrapService('media', AppModule.register(env) as unknown as Type<unknown>, env).catch((err) => {
  getLogger().fatal({ err }, 'media failed to start');
  process.exit(1);
});

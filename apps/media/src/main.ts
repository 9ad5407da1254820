import 'reflect-metadata';
import { loadConfigOrExit, MediaEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { bootstrapService } from '@nitro/service-kit';
import { AppModule } from './app.module';

const env = loadConfigOrExit(MediaEnv, 'media');
bootstrapService('media', AppModule.register(env), env).catch((err) => {
  getLogger().fatal({ err }, 'media failed to start');
  process.exit(1);
});

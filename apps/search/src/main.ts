import 'reflect-metadata';
import { loadConfigOrExit, SearchEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { bootstrapService } from '@nitro/service-kit';
import { AppModule } from './app.module';

const env = loadConfigOrExit(SearchEnv, 'search');
bootstrapService('search', AppModule.register(env), env).catch((err) => {
  getLogger().fatal({ err }, 'search failed to start');
  process.exit(1);
});

import 'reflect-metadata';
import { AgentsEnv, loadConfigOrExit } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { bootstrapService } from '@nitro/service-kit';
import { AppModule } from './app.module';

const env = loadConfigOrExit(AgentsEnv, 'agents');
bootstrapService('agents', AppModule.register(env), env).catch((err) => {
  getLogger().fatal({ err }, 'agents failed to start');
  process.exit(1);
});

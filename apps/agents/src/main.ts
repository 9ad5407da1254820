import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { AgentsEnv, loadConfigOrExit } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { bootstrapService } from '@nitro/service-kit';
import { AppModule } from './app.module';

const env = loadConfigOrExit(AgentsEnv, 'agents');
// NestFactory takes a dynamic module as well; bootstrapService's signature only names classes.
bootstrapService('agents', AppModule.register(env) as unknown as Type<unknown>, env).catch((err) => {
  getLogger().fatal({ err }, 'agents failed to start');
  process.exit(1);
});

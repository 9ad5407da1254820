import 'reflect-metadata';
import { AiRouterEnv, loadConfigOrExit } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { bootstrapService } from '@nitro/service-kit';
import { AppModule, SERVICE } from './app.module';

async function main() {
  const env = loadConfigOrExit(AiRouterEnv, SERVICE);
  await bootstrapService(SERVICE, AppModule.register(env), env);
}

main().catch((err) => {
  getLogger().fatal({ err }, `${SERVICE} failed to start`);
  process.exit(1);
});

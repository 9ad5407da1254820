import 'reflect-metadata';
import { GatewayEnv, loadConfigOrExit } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { createGatewayApp } from './bootstrap/create-app';

async function main() {
  const env = loadConfigOrExit(GatewayEnv, 'gateway');
  const app = await createGatewayApp(env);
  await app.listen(env.PORT, env.HOST);
  const address = app.getHttpServer().address();
  getLogger().info({ port: typeof address === 'object' && address ? address.port : env.PORT }, 'ready');
}

main().catch((err) => {
  getLogger().fatal({ err }, 'gateway failed to start');
  process.exit(1);
});

import 'reflect-metadata';
import { GatewayEnv, loadConfigOrExit } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { applyV8HeapTuning, installShutdownDeadline } from '@nitro/service-kit';
import { createGatewayApp } from './bootstrap/create-app';

async function main() {
  const env = loadConfigOrExit(GatewayEnv, 'gateway');
  applyV8HeapTuning(env);
  const app = await createGatewayApp(env);
  installShutdownDeadline(app, 'gateway', env.SHUTDOWN_TIMEOUT_MS);
  await app.listen(env.PORT, env.HOST);
  const address = app.getHttpServer().address();
  getLogger().info({ port: typeof address === 'object' && address ? address.port : env.PORT }, 'ready');
}

main().catch((err) => {
  getLogger().fatal({ err }, 'gateway failed to start');
  process.exit(1);
});

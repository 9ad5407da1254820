import 'reflect-metadata';
import { VoiceEnv, loadConfigOrExit } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { bootstrapService } from '@nitro/service-kit';
import { AppModule } from './app.module';

const env = loadConfigOrExit(VoiceEnv, 'voice');
bootstrapService('voice', AppModule.register(env), env).catch((err) => {
  getLogger().fatal({ err }, 'voice failed to start');
  process.exit(1);
});

import { DynamicModule, Module, Provider } from '@nestjs/common';
import { SERVICES, VOICE_AUDIO, VOICE_AUDIO_CLAIMS } from '@nitro/contracts';
import { VoiceEnv, redisTopology } from '@nitro/config';
import { REDIS_CLIENT, ServiceKitModule } from '@nitro/service-kit';
import { aiRouterClientProviders, claimCheckProvider } from '@nitro/transport';
import { AudioTranscoder } from './audio/audio-transcoder.service';
import { EngineRunner } from './audio/engine-runner.service';
import { VoiceJobs } from './jobs/voice-jobs.service';
import { GoogleSpeechSttProvider } from './stt/google-speech.stt-provider';
import { PocketsphinxSttProvider } from './stt/pocketsphinx.stt-provider';
import { STT_PROVIDERS, type SttEngineName, type SttProvider } from './stt/stt-provider.interface';
import { SttHandler } from './stt/stt.handler';
import { SttService } from './stt/stt.service';
import { WhisperHttpSttProvider } from './stt/whisper-http.stt-provider';
import { EspeakTtsProvider } from './tts/espeak.tts-provider';
import { FliteTtsProvider } from './tts/flite.tts-provider';
import { GoogleTtsProvider } from './tts/google-tts.tts-provider';
import { TTS_PROVIDERS, type TtsEngineName, type TtsProvider } from './tts/tts-provider.interface';
import { TtsHandler } from './tts/tts.handler';
import { TtsService } from './tts/tts.service';
import { VoiceCatalog } from './tts/voice-catalog.service';
import { VoiceChatHandler } from './voice-chat/voice-chat.handler';
import { VoiceChatService } from './voice-chat/voice-chat.service';

/** The configured engines, one class per vendor, in the order the config lists them. */
const engineProviders: Provider[] = [
  {
    provide: STT_PROVIDERS,
    inject: [VoiceEnv, EngineRunner],
    useFactory: (env: VoiceEnv, runner: EngineRunner): SttProvider[] => {
      const make: Record<SttEngineName, () => SttProvider> = {
        whisper: () => new WhisperHttpSttProvider(env),
        google: () => new GoogleSpeechSttProvider(env),
        pocketsphinx: () => new PocketsphinxSttProvider(env, runner),
      };
      return env.STT_PROVIDERS.map((n) => make[n]());
    },
  },
  {
    provide: TTS_PROVIDERS,
    inject: [VoiceEnv, EngineRunner],
    useFactory: (env: VoiceEnv, runner: EngineRunner): TtsProvider[] => {
      const make: Record<TtsEngineName, () => TtsProvider> = {
        google: () => new GoogleTtsProvider(env),
        flite: () => new FliteTtsProvider(env, runner),
        espeak: () => new EspeakTtsProvider(env, runner),
      };
      return env.TTS_PROVIDERS.map((n) => make[n]());
    },
  },
];

@Module({})
export class AppModule {
  static register(env: VoiceEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forService({ service: SERVICES.voice, env })],
      controllers: [SttHandler, TtsHandler, VoiceChatHandler],
      providers: [
        // Voice chat asks ai-router itself, over the same transport the gateway uses.
        ...aiRouterClientProviders({ redisUrl: redisTopology(env), timeoutMs: env.TRANSPORT_TIMEOUT_MS, maxLen: env.TRANSPORT_MAX_LEN }),
        ...engineProviders,
        EngineRunner,
        AudioTranscoder,
        claimCheckProvider(VOICE_AUDIO, REDIS_CLIENT, VOICE_AUDIO_CLAIMS),
        VoiceJobs,
        SttService,
        VoiceCatalog,
        TtsService,
        VoiceChatService,
      ],
    };
  }
}

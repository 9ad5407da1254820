import { Module } from '@nestjs/common';
import { VOICE_AUDIO, VOICE_AUDIO_CLAIMS } from '@nitro/contracts';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { claimCheckProvider } from '@nitro/transport';
import { ChatModule } from '../chat/chat.module';
import { VoiceController } from './voice.controller';
import { VoiceService } from './voice.service';

@Module({
  imports: [ChatModule],
  controllers: [VoiceController],
  providers: [VoiceService, claimCheckProvider(VOICE_AUDIO, REDIS_CLIENT, VOICE_AUDIO_CLAIMS)],
  exports: [VoiceService],
})
export class VoiceModule {}

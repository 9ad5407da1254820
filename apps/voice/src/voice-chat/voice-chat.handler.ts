import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { VOICE_PATTERNS, type VoiceChatCommand } from '@nitro/contracts';
import { VoiceJobs } from '../jobs/voice-jobs.service';
import { VoiceChatService } from './voice-chat.service';

@Controller()
export class VoiceChatHandler {
  constructor(
    private readonly jobs: VoiceJobs,
    private readonly voiceChat: VoiceChatService,
  ) {}

  @MessagePattern(VOICE_PATTERNS.chat)
  chat(@Payload() cmd: VoiceChatCommand) {
    return this.jobs.stream(cmd, (signal) => this.voiceChat.chat(cmd, signal));
  }
}

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { VOICE_PATTERNS, VoiceChatCommand } from '@nitro/contracts';
import { VoiceJobs } from '../jobs/voice-jobs.service';
import { VoiceChatService } from './voice-chat.service';

@Controller()
export class VoiceChatHandler {
  constructor(
    private readonly jobs: VoiceJobs,
    private readonly voiceChat: VoiceChatService,
  ) {}

  @MessagePattern(VOICE_PATTERNS.chat)
  chat(@Payload() payload: unknown) {
    return this.jobs.stream(VoiceChatCommand, payload, (cmd, signal) => this.voiceChat.chat(cmd, signal));
  }
}

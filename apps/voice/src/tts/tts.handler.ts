import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { from, map } from 'rxjs';
import { VOICE_PATTERNS, SpeakCommand } from '@nitro/contracts';
import { VoiceJobs } from '../jobs/voice-jobs.service';
import { TtsService } from './tts.service';
import { VoiceCatalog } from './voice-catalog.service';

@Controller()
export class TtsHandler {
  constructor(
    private readonly jobs: VoiceJobs,
    private readonly tts: TtsService,
    private readonly catalog: VoiceCatalog,
  ) {}

  /** Streams `progress` while working, then one `speech` naming the blob that holds the audio. */
  @MessagePattern(VOICE_PATTERNS.speak)
  speak(@Payload() payload: unknown) {
    return this.jobs.stream(SpeakCommand, payload, (cmd, signal) =>
      from(this.tts.speak(cmd, signal)).pipe(map((ref) => ({ type: 'speech' as const, ...ref }))),
    );
  }

  @MessagePattern(VOICE_PATTERNS.voices)
  voices() {
    return this.catalog.list(AbortSignal.timeout(30_000));
  }
}

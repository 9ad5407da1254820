import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { from, map } from 'rxjs';
import { VOICE_PATTERNS, TranscribeCommand } from '@nitro/contracts';
import { VoiceJobs } from '../jobs/voice-jobs.service';
import { SttService } from './stt.service';

@Controller()
export class SttHandler {
  constructor(
    private readonly jobs: VoiceJobs,
    private readonly stt: SttService,
  ) {}

  /** Streams `progress` while working, then one `transcription`. */
  @MessagePattern(VOICE_PATTERNS.transcribe)
  transcribe(@Payload() payload: unknown) {
    return this.jobs.stream(TranscribeCommand, payload, (cmd, signal) =>
      from(this.stt.transcribeUpload(cmd.audio, cmd.language, signal)).pipe(map((result) => ({ type: 'transcription' as const, result }))),
    );
  }
}

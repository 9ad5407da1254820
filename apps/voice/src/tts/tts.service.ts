import { Inject, Injectable } from '@nestjs/common';
import {
  AUDIO_CONTENT_TYPES,
  ERROR_CODES,
  VOICE_AUDIO,
  type AudioOutputFormat,
  type EngineFallbackDto,
  type SpeakCommand,
  type SpeechRef,
  codePointLength,
  exceedsCodePoints,
  hasVisibleContent,
} from '@nitro/contracts';
import { VoiceEnv } from '@nitro/config';
import { ServiceError } from '@nitro/service-kit';
import type { ClaimCheck } from '@nitro/transport';
import { AudioTranscoder } from '../audio/audio-transcoder.service';
import { processToServiceError } from '../audio/engine-error.util';
import { ProcessError } from '../audio/process-runner';
import { parseWav } from '../audio/wav.util';
import { voiceMetrics } from '../voice.metrics';
import type { TtsVoice } from './tts-provider.interface';
import { VoiceCatalog } from './voice-catalog.service';
import { voiceId } from './voice-match.util';

export interface SynthesizedWav {
  wav: Buffer;
  voice: TtsVoice;
  duration: number;
}

/** Text -> speech: pick the voice, try the engines that have it in order, convert to the format asked for. */
@Injectable()
export class TtsService {
  constructor(
    private readonly env: VoiceEnv,
    private readonly catalog: VoiceCatalog,
    private readonly transcoder: AudioTranscoder,
    @Inject(VOICE_AUDIO) private readonly blobs: ClaimCheck,
  ) {}

  /** POST /voice/speak: the audio is left in a blob key for the gateway to take. */
  async speak(cmd: SpeakCommand, signal: AbortSignal): Promise<SpeechRef> {
    const text = this.checkText(cmd.text);
    const format = cmd.format ?? 'wav';
    const rate = cmd.rate ?? 1;
    if (!(rate >= 0.5 && rate <= 2)) throw new ServiceError(400, ERROR_CODES.validation, 'rate must be a number from 0.5 to 2');
    const { wav, voice } = await this.synthesize(text, cmd.voice, rate, signal);
    return this.store(wav, format, voice, signal);
  }

  /** Encodes and stores one piece of audio; also used per sentence by voice chat. */
  async store(wav: Buffer, format: AudioOutputFormat, voice: TtsVoice, signal: AbortSignal): Promise<SpeechRef> {
    const bytes = await this.transcoder.encode(wav, format, signal);
    const blob_id = await this.blobs.put(bytes);
    return { blob_id, bytes: bytes.length, format, content_type: AUDIO_CONTENT_TYPES[format], engine: voice.engine, voice: voiceId(voice) };
  }

  /** A PCM WAV of `text`, from the first candidate voice whose engine succeeds. */
  async synthesize(text: string, requestedVoice: string | undefined, rate: number, signal: AbortSignal): Promise<SynthesizedWav> {
    const { voices, skipped } = await this.catalog.candidates(requestedVoice, signal);
    const failures: EngineFallbackDto[] = [];
    let timeouts = 0;
    for (const voice of voices) {
      const provider = this.catalog.provider(voice.engine);
      if (!provider) continue;
      const end = voiceMetrics.engine().startTimer({ kind: 'tts', engine: voice.engine });
      try {
        const wav = await provider.synthesize({ text, voice, rate, signal });
        const { duration } = parseWav(wav);
        end({ outcome: 'ok' });
        voiceMetrics.audioSeconds().inc({ kind: 'tts', engine: voice.engine }, duration);
        return { wav, voice, duration };
      } catch (err) {
        end({ outcome: 'error' });
        if (signal.aborted) throw processToServiceError(new ProcessError('aborted', voice.engine, 'cancelled'), 'speech synthesis');
        if (err instanceof ProcessError && err.kind === 'timeout') timeouts++;
        const reason = err instanceof ProcessError ? processToServiceError(err, voice.engine).message : (err as Error).message;
        failures.push({ engine: voice.engine, reason });
        voiceMetrics.fallbacks().inc({ kind: 'tts', engine: voice.engine, reason: err instanceof ProcessError ? err.kind : 'error' });
      }
    }
    const fallbacks = [...skipped, ...failures];
    const list = fallbacks.map((f) => `${f.engine}: ${f.reason}`).join('; ');
    if (timeouts > 0 && timeouts === failures.length)
      throw new ServiceError(504, ERROR_CODES.timeout, `speech synthesis timed out: ${list}`, { fallbacks });
    throw new ServiceError(503, ERROR_CODES.noProvider, `no text-to-speech engine could speak this: ${list}`, { fallbacks });
  }

  private checkText(text: unknown): string {
    if (typeof text !== 'string' || !hasVisibleContent(text))
      throw new ServiceError(400, ERROR_CODES.validation, 'text must contain something to say (visible text)');
    if (exceedsCodePoints(text, this.env.MAX_TTS_CHARS)) {
      throw new ServiceError(
        400,
        'TEXT_TOO_LONG',
        `text is ${codePointLength(text)} characters (Unicode code points); the limit is ${this.env.MAX_TTS_CHARS} (MAX_TTS_CHARS)`,
      );
    }
    return text.trim();
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsNumber, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ModelName } from '../common/text.validators';

/** OpenAI's voice names: each speaks with the voice the gateway's OPENAI_VOICE_MAP gives it (TTS_DEFAULT_VOICE when left out). (platform.openai.com/docs/guides/text-to-speech), the newest last; @nitro/config's voice map reads this list. */
export const OPENAI_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'fable',
  'onyx',
  'nova',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;
/** OpenAI's speech models: the configured text-to-speech engine chain. */
export const OPENAI_TTS_MODELS = ['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts'] as const;
/** OpenAI's transcription models: the configured speech-to-text engine chain. */
export const OPENAI_STT_MODELS = ['whisper-1', 'gpt-4o-mini-transcribe', 'gpt-4o-transcribe'] as const;
export const SPEECH_FORMATS = ['mp3', 'wav', 'opus'] as const;
export const TRANSCRIPTION_FORMATS = ['json', 'text', 'verbose_json'] as const;

export class SpeechRequestDto {
  @ApiProperty({
    example: 'tts-1',
    description: 'tts-1, tts-1-hd, gpt-4o-mini-tts (the configured engines), or one of ours: flite, espeak, google.',
  })
  @ModelName(64)
  model!: string;

  @ApiProperty({ example: 'The quick brown fox jumps over the lazy dog.', description: 'At most VOICE_MAX_TTS_CHARS characters.' })
  @IsString()
  @MinLength(1, { message: 'input must not be empty' })
  @MaxLength(100_000)
  input!: string;

  @ApiProperty({
    example: 'alloy',
    description:
      "OpenAI's voice names (alloy, ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer, verse, marin, cedar: each the voice OPENAI_VOICE_MAP gives it, by default flite/espeak-ng English voices, e.g. alloy=flite:kal16, nova=flite:slt) or ours from GET /voice/voices (kal16, flite:slt, espeak:de). The voice that spoke is in X-Voice.",
  })
  @IsString()
  @MaxLength(64)
  voice!: string;

  @ApiPropertyOptional({ enum: SPEECH_FORMATS, default: 'mp3' })
  @IsOptional()
  @IsIn(SPEECH_FORMATS as unknown as string[], { message: `response_format must be one of: ${SPEECH_FORMATS.join(', ')}` })
  response_format?: (typeof SPEECH_FORMATS)[number];

  @ApiPropertyOptional({ minimum: 0.5, maximum: 2, default: 1, description: 'OpenAI allows 0.25-4; our engines 0.5-2.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.5)
  @Max(2)
  speed?: number;

  @ApiPropertyOptional({ description: 'Accepted, not used.' })
  @IsOptional()
  @IsString()
  instructions?: string;
}

/** Text fields of the multipart POST /v1/audio/transcriptions (the file is `file`). */
export class TranscriptionFieldsDto {
  @ModelName(64)
  model!: string;

  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string;

  @IsOptional()
  @IsIn(TRANSCRIPTION_FORMATS as unknown as string[], { message: `response_format must be one of: ${TRANSCRIPTION_FORMATS.join(', ')}` })
  response_format?: (typeof TRANSCRIPTION_FORMATS)[number];

  /** Accepted, not used. */
  @Allow()
  prompt?: string;

  @Allow()
  temperature?: string;

  @Allow()
  'timestamp_granularities[]'?: string;
}

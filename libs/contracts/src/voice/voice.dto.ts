import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import { HasVisibleText, MaxChars } from '../common/text.validators';
import { AUDIO_OUTPUT_FORMATS, type AudioOutputFormat } from './voice-formats';

export const VOICE_NAME_PATTERN = /^[\w.:+-]{1,128}$/;
export const LANGUAGE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
/** Hard cap at the edge; the configured MAX_TTS_CHARS (default 5,000) is checked by the services. */
export const TTS_TEXT_HARD_CAP = 1_000_000;

export class SpeakRequestDto {
  @ApiProperty({
    minLength: 1,
    example: 'Hello from Nitro AI.',
    description:
      'Text to speak with something visible in it; at most the configured MAX_TTS_CHARS (default 5,000) characters (Unicode code points).',
  })
  @IsString()
  @MinLength(1, { message: 'text must not be empty' })
  @MaxChars(TTS_TEXT_HARD_CAP)
  @HasVisibleText()
  text!: string;

  @ApiPropertyOptional({
    example: 'kal16',
    description:
      'A voice name from GET /voice/voices, optionally "engine:name" (flite:slt, espeak:de, google:en-US-Wavenet-D), or a language code (de, en-US). Default: the configured voice (kal16).',
  })
  @IsOptional()
  @IsString()
  @Matches(VOICE_NAME_PATTERN, { message: 'voice must be a voice name such as kal16, espeak:de or en-US' })
  voice?: string;

  @ApiPropertyOptional({ minimum: 0.5, maximum: 2, default: 1, description: 'Speaking rate; 1 is normal, 2 twice as fast.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.5)
  @Max(2)
  rate?: number;

  @ApiPropertyOptional({ enum: AUDIO_OUTPUT_FORMATS, default: 'wav', description: 'wav (audio/wav), mp3 (audio/mpeg) or ogg (Ogg/Opus).' })
  @IsOptional()
  @IsIn(AUDIO_OUTPUT_FORMATS as unknown as string[], { message: `format must be one of: ${AUDIO_OUTPUT_FORMATS.join(', ')}` })
  format?: AudioOutputFormat;
}

/** Text fields of the multipart POST /voice/transcribe (the file is the `audio` part). */
export class TranscribeFieldsDto {
  @ApiPropertyOptional({
    example: 'en-US',
    description: 'Spoken language (BCP-47); default the configured STT_LANGUAGE. pocketsphinx understands English only.',
  })
  @IsOptional()
  @IsString()
  @Matches(LANGUAGE_PATTERN, { message: 'language must be a BCP-47 code such as en-US' })
  language?: string;
}

/** Text fields of the multipart POST /voice/chat and /voice/chat/stream. */
export class VoiceChatFieldsDto extends TranscribeFieldsDto {
  @ApiProperty({ pattern: ID_PATTERN.source, example: 'alice' })
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;

  @ApiPropertyOptional({
    pattern: ID_PATTERN.source,
    example: 'default',
    description: 'Conversation id; the turn is stored in it like a typed message.',
  })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;

  @ApiPropertyOptional({ example: 'kal16', description: 'Voice for the spoken answer (as in POST /voice/speak).' })
  @IsOptional()
  @IsString()
  @Matches(VOICE_NAME_PATTERN, { message: 'voice must be a voice name such as kal16, espeak:de or en-US' })
  voice?: string;

  @ApiPropertyOptional({ enum: AUDIO_OUTPUT_FORMATS, default: 'mp3' })
  @IsOptional()
  @IsIn(AUDIO_OUTPUT_FORMATS as unknown as string[], { message: `format must be one of: ${AUDIO_OUTPUT_FORMATS.join(', ')}` })
  format?: AudioOutputFormat;

  @ApiPropertyOptional({ minimum: 1, maximum: 8192, example: 256, description: 'Upper bound on generated tokens for the answer.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(8192)
  max_tokens?: number;
}

export class WordTimingDto {
  @ApiProperty({ example: 'hello' })
  word!: string;
  @ApiProperty({ example: 0.31, description: 'Seconds from the start of the audio.' })
  start!: number;
  @ApiProperty({ example: 0.6 })
  end!: number;
  @ApiPropertyOptional({ example: 0.93 })
  confidence?: number;
}

/**
 * Voice's fallback entry names the `engine`, where chat, images and search use ProviderAttemptDto
 * (`provider`): clients and the e2e suite read `{ engine, reason }` exactly, so the wire stays.
 */
export class EngineFallbackDto {
  @ApiProperty({ example: 'google' })
  engine!: string;
  @ApiProperty({ example: 'not configured: set GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_API_KEY' })
  reason!: string;
}

export class TranscriptionDto {
  @ApiProperty({ example: 'the quick brown fox jumped over the lazy dog' })
  text!: string;
  @ApiProperty({ example: 'en-US' })
  language!: string;
  @ApiProperty({ example: 2.77, description: 'Audio length in seconds.' })
  duration!: number;
  @ApiProperty({ example: 'pocketsphinx', description: 'Engine that produced the text.' })
  engine!: string;
  @ApiPropertyOptional({ type: [WordTimingDto], description: 'Per-word timings where the engine gives them.' })
  words?: WordTimingDto[];
  @ApiPropertyOptional({ example: 0.82, description: 'Mean confidence where the engine gives one.' })
  confidence?: number;
  @ApiPropertyOptional({ type: [EngineFallbackDto], description: 'Engines skipped or failed before this one.' })
  fallbacks?: EngineFallbackDto[];
}

export class VoiceInfoDto {
  @ApiProperty({ example: 'flite:kal16', description: 'Pass this as `voice`.' })
  id!: string;
  @ApiProperty({ example: 'kal16' })
  name!: string;
  @ApiProperty({ example: 'flite' })
  engine!: string;
  @ApiProperty({ example: ['en-US'], type: [String] })
  languages!: string[];
  @ApiPropertyOptional({ example: 'male' })
  gender?: string;
  @ApiPropertyOptional({ example: 16000 })
  sample_rate?: number;
  @ApiPropertyOptional({ description: 'True for the configured default voice.' })
  default?: boolean;
}

export class VoiceListDto {
  @ApiProperty({ example: 'flite:kal16' })
  default_voice!: string;
  @ApiProperty({ type: [VoiceInfoDto] })
  voices!: VoiceInfoDto[];
  @ApiPropertyOptional({ type: [EngineFallbackDto], description: 'Engines whose voices could not be listed, and why.' })
  unavailable?: EngineFallbackDto[];
}

export class VoiceAudioDto {
  @ApiProperty({ enum: AUDIO_OUTPUT_FORMATS })
  format!: AudioOutputFormat;
  @ApiProperty({ example: 'audio/mpeg' })
  mime_type!: string;
  @ApiProperty({ description: 'The audio file, base64.' })
  base64!: string;
}

export class VoiceChatResponseDto {
  @ApiProperty({ description: 'What the user said.' })
  transcript!: string;
  @ApiProperty({ description: "The assistant's answer (stored in the conversation)." })
  response!: string;
  @ApiProperty({ example: 'stories260K' })
  ai_model!: string;
  @ApiProperty({ example: 'local' })
  ai_source!: string;
  @ApiProperty({ example: 'default' })
  session_id!: string;
  @ApiProperty()
  timestamp!: string;
  @ApiProperty({ example: 'en-US' })
  language!: string;
  @ApiProperty({ description: 'Length of the uploaded audio, seconds.' })
  duration!: number;
  @ApiProperty({ example: 'pocketsphinx' })
  stt_engine!: string;
  @ApiProperty({ example: 'flite' })
  tts_engine!: string;
  @ApiProperty({ example: 'flite:kal16' })
  voice!: string;
  @ApiProperty({ type: VoiceAudioDto, nullable: true, description: 'The spoken answer; null when the answer had nothing to say.' })
  audio!: VoiceAudioDto | null;
}

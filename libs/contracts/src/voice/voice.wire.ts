import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import type { ChatStreamEvent } from '../chat/chat.dto';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import { AUDIO_OUTPUT_FORMATS, type AudioOutputFormat } from './voice-formats';
import { LANGUAGE_PATTERN, VOICE_NAME_PATTERN, type TranscriptionDto } from './voice.dto';
import { NestedObject } from '../common/nested.validators';

const BLOB_ID = /^[A-Za-z0-9_-]{8,128}$/;

/** An uploaded file as the gateway hands it over: the bytes wait under the claim `blob_id` (ClaimCheck, VOICE_AUDIO_CLAIMS). */
export class AudioUploadRef {
  @IsString()
  @Matches(BLOB_ID, { message: 'audio.blob_id must be a blob id' })
  blob_id!: string;
  @IsOptional()
  @IsString()
  @MaxLength(512)
  filename?: string;
  @IsOptional()
  @IsString()
  @MaxLength(255)
  mimetype?: string;
  @IsInt()
  @Min(0)
  bytes!: number;
}

/**
 * Every voice command carries a job id: the replica keeps its running jobs by it, so a shutdown
 * aborts them (the caller leaving is the transport's cancellation: the handler is unsubscribed).
 * These classes are the wire and its validation (validateDto in each handler).
 */
export class VoiceJob {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,64}$/, { message: 'job_id must be 8-64 characters: letters, digits, "-" or "_"' })
  job_id!: string;
}

export class TranscribeCommand extends VoiceJob {
  @NestedObject(() => AudioUploadRef, 'audio must be an object with blob_id and bytes')
  audio!: AudioUploadRef;
  @IsOptional()
  @Matches(LANGUAGE_PATTERN, { message: 'language must be a BCP-47 code such as en-US' })
  language?: string;
}

export class SpeakCommand extends VoiceJob {
  @IsString()
  text!: string;
  @IsOptional()
  @Matches(VOICE_NAME_PATTERN, { message: 'voice must be a voice name such as kal16, espeak:de or en-US' })
  voice?: string;
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'rate must be a number from 0.5 to 2' })
  @Min(0.5, { message: 'rate must be a number from 0.5 to 2' })
  @Max(2, { message: 'rate must be a number from 0.5 to 2' })
  rate?: number;
  @IsOptional()
  @IsIn(AUDIO_OUTPUT_FORMATS as unknown as string[], { message: `format must be one of: ${AUDIO_OUTPUT_FORMATS.join(', ')}` })
  format?: AudioOutputFormat;
}

export class VoiceChatCommand extends VoiceJob {
  @NestedObject(() => AudioUploadRef, 'audio must be an object with blob_id and bytes')
  audio!: AudioUploadRef;
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;
  @IsOptional()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;
  @IsOptional()
  @Matches(LANGUAGE_PATTERN, { message: 'language must be a BCP-47 code such as en-US' })
  language?: string;
  @IsOptional()
  @Matches(VOICE_NAME_PATTERN, { message: 'voice must be a voice name such as kal16, espeak:de or en-US' })
  voice?: string;
  @IsOptional()
  @IsIn(AUDIO_OUTPUT_FORMATS as unknown as string[], { message: `format must be one of: ${AUDIO_OUTPUT_FORMATS.join(', ')}` })
  format?: AudioOutputFormat;
  @IsOptional()
  @IsInt({ message: 'max_tokens must be a whole number from 1 to 8192' })
  @Min(1, { message: 'max_tokens must be a whole number from 1 to 8192' })
  @Max(8192, { message: 'max_tokens must be a whole number from 1 to 8192' })
  max_tokens?: number;
  /** true: one `audio` event per sentence as it is ready; false: one `speech` event with the whole answer. */
  @IsBoolean()
  stream!: boolean;
  /** The gateway's tracked stream for this turn (POST /chat/streams/{stream_id}/stop stops it); passed on to ai-router. */
  @IsOptional()
  @IsUUID('all', { message: 'stream_id must be a UUID' })
  stream_id?: string;
}

/** Synthesized audio, left under the claim `blob_id` for the gateway to take. */
export interface SpeechRef {
  blob_id: string;
  bytes: number;
  format: AudioOutputFormat;
  content_type: string;
  engine: string;
  voice: string;
}

/**
 * What voice handlers stream back. Every handler streams, even one-shot ones: `progress` packets
 * keep a long transcription inside the transport's per-packet timeout (no fixed upper bound needed).
 */
export type VoiceWireEvent =
  | { type: 'progress'; stage: string }
  | { type: 'transcription'; result: TranscriptionDto }
  | ({ type: 'speech' } & SpeechRef)
  | ({ type: 'transcript' } & TranscriptionDto)
  | Extract<ChatStreamEvent, { type: 'meta' | 'token' | 'error' }>
  | ({ type: 'audio'; index: number; text: string } & SpeechRef)
  | VoiceChatDoneEvent;

/** The end of a voice turn: the chat `done` plus what was heard and how many audio chunks were sent. */
export type VoiceChatDoneEvent = Extract<ChatStreamEvent, { type: 'done' }> & { transcript: string; audio_chunks: number };

/** The SSE events of POST /voice/chat/stream (audio inline as base64). */
export type VoiceChatSseEvent =
  | { type: 'start'; stream_id: string }
  | ({ type: 'transcript' } & TranscriptionDto)
  | Extract<ChatStreamEvent, { type: 'meta' | 'token' | 'error' }>
  | {
      type: 'audio';
      index: number;
      text: string;
      format: AudioOutputFormat;
      mime_type: string;
      engine: string;
      voice: string;
      base64: string;
    }
  | VoiceChatDoneEvent;

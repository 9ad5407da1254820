import type { ChatStreamEvent } from '../chat/chat.dto';
import type { AudioOutputFormat } from './voice-formats';
import type { TranscriptionDto } from './voice.dto';

/** An uploaded file as the gateway hands it over: the bytes sit in `voiceBlobKey(blob_id)`. */
export interface AudioUploadRef {
  blob_id: string;
  filename?: string;
  mimetype?: string;
  bytes: number;
}

/**
 * Every voice command carries a job id: the gateway publishes it on VOICE_CANCEL_CHANNEL when its
 * client goes away, so the replica running the job kills its engine processes.
 */
export interface VoiceJob {
  job_id: string;
}

export interface TranscribeCommand extends VoiceJob {
  audio: AudioUploadRef;
  language?: string;
}

export interface SpeakCommand extends VoiceJob {
  text: string;
  voice?: string;
  rate?: number;
  format?: AudioOutputFormat;
}

export interface VoiceChatCommand extends VoiceJob {
  audio: AudioUploadRef;
  user_id: string;
  session_id?: string;
  language?: string;
  voice?: string;
  format?: AudioOutputFormat;
  max_tokens?: number;
  /** true: one `audio` event per sentence as it is ready; false: one `speech` event with the whole answer. */
  stream: boolean;
  /** The gateway's tracked stream for this turn (POST /chat/streams/{stream_id}/stop stops it); passed on to ai-router. */
  stream_id?: string;
}

/** Synthesized audio, left in `voiceBlobKey(blob_id)` for the gateway to take. */
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
  | { type: 'audio'; index: number; text: string; format: AudioOutputFormat; mime_type: string; engine: string; voice: string; base64: string }
  | VoiceChatDoneEvent;

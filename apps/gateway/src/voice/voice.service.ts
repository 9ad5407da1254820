import { HttpException, Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { concatMap, filter, from, map, Observable, startWith, type OperatorFunction } from 'rxjs';
import {
  TranscribeFieldsDto,
  VOICE_AUDIO,
  VOICE_CLIENT,
  VOICE_PATTERNS,
  VoiceChatFieldsDto,
  type SpeakRequestDto,
  type SpeechRef,
  type TranscriptionDto,
  type VoiceChatResponseDto,
  type VoiceChatSseEvent,
  type VoiceListDto,
  type VoiceWireEvent,
  ERROR_CODE,
  codePointLength,
  exceedsCodePoints,
} from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import type { ClaimCheck } from '@nitro/transport';
import { assertCanAccess, type AuthUser } from '../auth/auth-user';
import { call } from '../services/service-call';
import { ChatStreamsService } from '../chat/chat-streams.service';
import { afterFirstItem, collectUntil } from './voice-job.util';
import type { VoiceUpload } from './voice-upload.reader';

type Wire<K extends VoiceWireEvent['type']> = Extract<VoiceWireEvent, { type: K }>;

/**
 * Voice at the edge: uploads to blobs, calls to the voice service as cancellable jobs (cancelled
 * when `signal` aborts: the client went away), audio back to bytes. No Fastify objects here.
 */
@Injectable()
export class VoiceService {
  constructor(
    @Inject(VOICE_CLIENT) private readonly voice: ClientProxy,
    @Inject(VOICE_AUDIO) private readonly blobs: ClaimCheck,
    private readonly env: GatewayEnv,
    private readonly streams: ChatStreamsService,
  ) {}

  async transcribe(_user: AuthUser, upload: VoiceUpload<TranscribeFieldsDto>, signal: AbortSignal): Promise<TranscriptionDto> {
    const events = await collectUntil(
      this.job(VOICE_PATTERNS.transcribe, { audio: await this.stash(upload), language: upload.fields.language }),
      signal,
    );
    return this.only(events, 'transcription').result;
  }

  /** The spoken text's bytes and what they are (the controller turns these into headers). */
  async speak(_user: AuthUser, dto: SpeakRequestDto, signal: AbortSignal): Promise<{ bytes: Buffer; speech: SpeechRef }> {
    if (exceedsCodePoints(dto.text, this.env.VOICE_MAX_TTS_CHARS)) {
      const chars = codePointLength(dto.text);
      throw new HttpException(
        {
          error: ERROR_CODE.TEXT_TOO_LONG,
          message: `text is ${chars} characters (Unicode code points); the limit is ${this.env.VOICE_MAX_TTS_CHARS}`,
        },
        400,
      );
    }
    const events = await collectUntil(
      this.job(VOICE_PATTERNS.speak, { text: dto.text, voice: dto.voice, rate: dto.rate, format: dto.format }),
      signal,
    );
    const speech = this.only(events, 'speech');
    return { bytes: await this.takeAudio(speech), speech };
  }

  voices(): Promise<VoiceListDto> {
    return call(this.voice, VOICE_PATTERNS.voices, {});
  }

  /** One JSON answer: transcript, the stored answer and the whole spoken answer inline. */
  async chat(user: AuthUser, upload: VoiceUpload<VoiceChatFieldsDto>, signal: AbortSignal): Promise<VoiceChatResponseDto> {
    const events = await collectUntil(await this.chatJob(user, upload, false), signal);
    const heard = this.only(events, 'transcript');
    const failed = events.find((e): e is Wire<'error'> => e.type === 'error');
    if (failed) throw new HttpException({ error: failed.code, message: failed.message }, failed.status);
    const done = this.only(events, 'done');
    const speech = events.find((e): e is Wire<'speech'> => e.type === 'speech');
    const audio = speech
      ? { format: speech.format, mime_type: speech.content_type, base64: (await this.takeAudio(speech)).toString('base64') }
      : null;
    return {
      transcript: done.transcript,
      response: done.response,
      ai_model: done.ai_model,
      ai_source: done.ai_source,
      session_id: done.session_id,
      timestamp: done.timestamp,
      language: heard.language,
      duration: heard.duration,
      stt_engine: heard.engine,
      tts_engine: speech?.engine ?? '',
      voice: speech?.voice ?? '',
      audio,
    };
  }

  /**
   * The SSE variant, as a tracked stream (stoppable with POST /chat/streams/{stream_id}/stop): starts
   * once the transcript is there (so bad audio is still a plain 4xx), announced by a `start` event.
   */
  async chatStream(
    user: AuthUser,
    upload: VoiceUpload<VoiceChatFieldsDto>,
    signal: AbortSignal,
  ): Promise<{ streamId: string; events: Observable<VoiceChatSseEvent> }> {
    assertCanAccess(user, upload.fields.user_id);
    const streamId = await this.streams.register(user, upload.fields.user_id, 'voice');
    const events = await afterFirstItem(await this.chatJob(user, upload, true, streamId), signal);
    const start: VoiceChatSseEvent = { type: 'start', stream_id: streamId };
    // ai-router numbers its own events; this SSE stream numbers all of them in its own order.
    return {
      streamId,
      events: events.pipe(
        this.inlineAudio(),
        map((e): VoiceChatSseEvent => ({ ...e, id: undefined }) as VoiceChatSseEvent),
        startWith(start),
      ),
    };
  }

  private async chatJob(
    user: AuthUser,
    upload: VoiceUpload<VoiceChatFieldsDto>,
    stream: boolean,
    stream_id?: string,
  ): Promise<Observable<VoiceWireEvent>> {
    const { user_id, session_id, language, voice, format, max_tokens } = upload.fields;
    assertCanAccess(user, user_id);
    const audio = await this.stash(upload);
    return this.job(VOICE_PATTERNS.chat, {
      audio,
      user_id,
      session_id,
      language,
      voice,
      format,
      max_tokens,
      stream,
      ...(stream_id ? { stream_id } : {}),
    });
  }

  /** The upload's bytes into a short-lived blob for the voice service; the reference it sends. */
  private async stash(upload: VoiceUpload<object>) {
    const { file } = upload;
    return { blob_id: await this.blobs.put(file.bytes), filename: file.filename, mimetype: file.mimetype, bytes: file.bytes.length };
  }

  /** Audio events carry a blob id; the browser gets base64 in the same order (concatMap keeps it). */
  private inlineAudio(): OperatorFunction<VoiceWireEvent, VoiceChatSseEvent> {
    return concatMap((e: VoiceWireEvent) => {
      if (e.type !== 'audio') return from([e as VoiceChatSseEvent]);
      return from(this.takeAudio(e)).pipe(
        map((bytes): VoiceChatSseEvent => ({
          type: 'audio',
          index: e.index,
          text: e.text,
          format: e.format,
          mime_type: e.content_type,
          engine: e.engine,
          voice: e.voice,
          base64: bytes.toString('base64'),
        })),
      );
    });
  }

  /**
   * A voice command as a job, keep-alive packets dropped. If the subscriber leaves before the end
   * (client gone), the transport's cancellation unsubscribes the handler on the voice replica,
   * which kills its engine processes.
   */
  private job(pattern: string, cmd: Record<string, unknown>): Observable<VoiceWireEvent> {
    return this.voice.send<VoiceWireEvent>(pattern, { ...cmd, job_id: randomUUID() }).pipe(filter((e) => e.type !== 'progress'));
  }

  private only<K extends VoiceWireEvent['type']>(events: VoiceWireEvent[], type: K): Wire<K> {
    const found = events.find((e): e is Wire<K> => e.type === type);
    if (!found)
      throw new HttpException({ error: ERROR_CODE.BAD_GATEWAY, message: `the voice service answered without a "${type}" event` }, 502);
    return found;
  }

  private async takeAudio(ref: SpeechRef): Promise<Buffer> {
    const bytes = await this.blobs.take(ref.blob_id);
    if (!bytes)
      throw new HttpException({ error: ERROR_CODE.AUDIO_EXPIRED, message: 'the synthesized audio expired before it could be sent' }, 502);
    return bytes;
  }
}

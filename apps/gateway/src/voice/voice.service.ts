import { HttpException, Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { concatMap, filter, from, map, Observable, startWith, type OperatorFunction } from 'rxjs';
import {
  TranscribeFieldsDto,
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
} from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import { assertCanAccess, type AuthUser } from '../auth/auth-user';
import { call } from '../services/service-call';
import { VoiceBlobStore } from './voice-blob.store';
import { ChatStreamsService } from '../chat/chat-streams.service';
import { afterFirstItem, collectUntilClientGone } from './voice-job.util';
import { readVoiceUpload } from './voice-upload.reader';

type Wire<K extends VoiceWireEvent['type']> = Extract<VoiceWireEvent, { type: K }>;

/** Voice at the edge: uploads to blobs, calls to the voice service as cancellable jobs, audio back to bytes. */
@Injectable()
export class VoiceService {
  constructor(
    @Inject(VOICE_CLIENT) private readonly voice: ClientProxy,
    private readonly blobs: VoiceBlobStore,
    private readonly env: GatewayEnv,
    private readonly streams: ChatStreamsService,
  ) {}

  async transcribe(req: FastifyRequest, reply: FastifyReply): Promise<TranscriptionDto> {
    const { fields, file } = await readVoiceUpload(req, this.env.VOICE_MAX_UPLOAD_BYTES, TranscribeFieldsDto);
    const audio = { blob_id: await this.blobs.put(file.bytes), filename: file.filename, mimetype: file.mimetype, bytes: file.bytes.length };
    const events = await collectUntilClientGone(this.job(VOICE_PATTERNS.transcribe, { audio, language: fields.language }), reply);
    return this.only(events, 'transcription').result;
  }

  async speak(dto: SpeakRequestDto, reply: FastifyReply): Promise<Buffer> {
    if (dto.text.length > this.env.VOICE_MAX_TTS_CHARS) {
      throw new HttpException({ error: 'TEXT_TOO_LONG', message: `text is ${dto.text.length} characters; the limit is ${this.env.VOICE_MAX_TTS_CHARS}` }, 400);
    }
    const events = await collectUntilClientGone(this.job(VOICE_PATTERNS.speak, { text: dto.text, voice: dto.voice, rate: dto.rate, format: dto.format }), reply);
    const speech = this.only(events, 'speech');
    const bytes = await this.takeAudio(speech);
    reply.header('Content-Type', speech.content_type).header('Content-Disposition', `inline; filename="speech.${speech.format}"`);
    reply.header('X-Voice-Engine', speech.engine).header('X-Voice', speech.voice);
    return bytes;
  }

  voices(): Promise<VoiceListDto> {
    return call(this.voice, VOICE_PATTERNS.voices, {});
  }

  /** One JSON answer: transcript, the stored answer and the whole spoken answer inline. */
  async chat(req: FastifyRequest, reply: FastifyReply, user: AuthUser): Promise<VoiceChatResponseDto> {
    const events = await collectUntilClientGone(await this.chatJob(req, user, false), reply);
    const heard = this.only(events, 'transcript');
    const failed = events.find((e): e is Wire<'error'> => e.type === 'error');
    if (failed) throw new HttpException({ error: failed.code, message: failed.message }, failed.status);
    const done = this.only(events, 'done');
    const speech = events.find((e): e is Wire<'speech'> => e.type === 'speech');
    const audio = speech ? { format: speech.format, mime_type: speech.content_type, base64: (await this.takeAudio(speech)).toString('base64') } : null;
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
  async chatStream(req: FastifyRequest, reply: FastifyReply, user: AuthUser): Promise<{ streamId: string; events: Observable<VoiceChatSseEvent> }> {
    let streamId = '';
    const job = await this.chatJob(req, user, true, async (ownerId) => (streamId = await this.streams.register(user, ownerId, 'voice')));
    const events = await afterFirstItem(job, reply);
    const start: VoiceChatSseEvent = { type: 'start', stream_id: streamId };
    // ai-router numbers its own events; this SSE stream numbers all of them in its own order.
    return { streamId, events: events.pipe(this.inlineAudio(), map((e): VoiceChatSseEvent => ({ ...e, id: undefined }) as VoiceChatSseEvent), startWith(start)) };
  }

  private async chatJob(req: FastifyRequest, user: AuthUser, stream: boolean, track?: (ownerId: string) => Promise<string>): Promise<Observable<VoiceWireEvent>> {
    const { fields, file } = await readVoiceUpload(req, this.env.VOICE_MAX_UPLOAD_BYTES, VoiceChatFieldsDto);
    assertCanAccess(user, fields.user_id);
    const audio = { blob_id: await this.blobs.put(file.bytes), filename: file.filename, mimetype: file.mimetype, bytes: file.bytes.length };
    const { user_id, session_id, language, voice, format, max_tokens } = fields;
    const stream_id = track ? await track(user_id) : undefined;
    return this.job(VOICE_PATTERNS.chat, { audio, user_id, session_id, language, voice, format, max_tokens, stream, ...(stream_id ? { stream_id } : {}) });
  }

  /** Audio events carry a blob id; the browser gets base64 in the same order (concatMap keeps it). */
  private inlineAudio(): OperatorFunction<VoiceWireEvent, VoiceChatSseEvent> {
    return concatMap((e: VoiceWireEvent) => {
      if (e.type !== 'audio') return from([e as VoiceChatSseEvent]);
      return from(this.takeAudio(e)).pipe(
        map((bytes): VoiceChatSseEvent => ({ type: 'audio', index: e.index, text: e.text, format: e.format, mime_type: e.content_type, engine: e.engine, voice: e.voice, base64: bytes.toString('base64') })),
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
    if (!found) throw new HttpException({ error: 'BAD_GATEWAY', message: `the voice service answered without a "${type}" event` }, 502);
    return found;
  }

  private async takeAudio(ref: SpeechRef): Promise<Buffer> {
    const bytes = await this.blobs.take(ref.blob_id);
    if (!bytes) throw new HttpException({ error: 'AUDIO_EXPIRED', message: 'the synthesized audio expired before it could be sent' }, 502);
    return bytes;
  }
}

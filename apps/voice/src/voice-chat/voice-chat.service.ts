import { Injectable } from '@nestjs/common';
import { Observable, Subscription } from 'rxjs';
import {
  ERROR_CODES,
  hasVisibleContent,
  isRpcErrorPayload,
  type ChatCommand,
  type ChatStreamEvent,
  type VoiceChatCommand,
  type VoiceWireEvent,
} from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { AiRouterClient } from '@nitro/transport';
import { SttService } from '../stt/stt.service';
import { TtsService } from '../tts/tts.service';
import { SentenceSplitter } from './sentence-splitter';
import { SpeechQueue } from './speech-queue';

type Final = Extract<ChatStreamEvent, { type: 'done' | 'error' }>;

/**
 * One spoken turn: speech -> text -> ai-router (the user's session, so the turn is stored like a
 * typed one) -> each finished sentence spoken while the model goes on. Streams, in order:
 * transcript, meta, tokens with `audio` per sentence in between (stream mode) or one `speech`
 * at the end, then done (or error).
 */
@Injectable()
export class VoiceChatService {
  constructor(
    private readonly stt: SttService,
    private readonly tts: TtsService,
    private readonly aiRouter: AiRouterClient,
  ) {}

  chat(cmd: VoiceChatCommand, signal: AbortSignal): Observable<VoiceWireEvent> {
    return new Observable<VoiceWireEvent>((out) => {
      this.turn(cmd, signal, (e) => out.next(e)).then(
        () => out.complete(),
        (err) => out.error(err),
      );
    });
  }

  private async turn(cmd: VoiceChatCommand, signal: AbortSignal, emit: (e: VoiceWireEvent) => void): Promise<void> {
    const heard = await this.stt.transcribeUpload(cmd.audio, cmd.language, signal);
    const message = heard.text.trim();
    // Before the transcript event: the gateway holds the SSE response until the first event, so this stays a plain 422.
    if (!hasVisibleContent(message))
      throw new ServiceError(422, 'NO_SPEECH', 'no speech was recognised in the audio, so nothing was sent to the assistant');
    emit({ type: 'transcript', ...heard });
    const speech = new SpeechQueue(this.tts, {
      voice: cmd.voice,
      rate: 1,
      format: cmd.format ?? 'mp3',
      signal,
      stream: cmd.stream,
      onAudio: (s) => emit({ type: 'audio', ...s }),
    });
    const splitter = new SentenceSplitter();
    const ask: ChatCommand = {
      message,
      user_id: cmd.user_id,
      session_id: cmd.session_id,
      ...(cmd.stream_id ? { stream_id: cmd.stream_id } : {}),
      ...(cmd.max_tokens ? { options: { max_tokens: cmd.max_tokens } } : {}),
    };
    const final = await this.askAiRouter(ask, signal, (e) => {
      emit(e);
      if (e.type === 'token') for (const s of splitter.push(e.text)) speech.add(s);
    });
    if (final.type === 'error') {
      emit(final);
      return;
    }
    // Stopped: what was already queued is spoken, the unfinished sentence is not.
    if (final.status !== 'stopped') for (const s of splitter.flush()) speech.add(s);
    if (cmd.stream) await speech.finish();
    else {
      const whole = await speech.whole();
      if (whole) emit({ type: 'speech', ...whole });
    }
    emit({ ...final, transcript: message, audio_chunks: speech.count });
  }

  /** Streams the answer; meta and token events go to `onEvent`, the final done/error is returned. */
  private askAiRouter(
    cmd: ChatCommand,
    signal: AbortSignal,
    onEvent: (e: Extract<ChatStreamEvent, { type: 'meta' | 'token' }>) => void,
  ): Promise<Final> {
    return new Promise<Final>((resolve, reject) => {
      let final: Final | undefined;
      let sub: Subscription | undefined = undefined;
      const onAbort = () => {
        sub?.unsubscribe();
        reject(new ServiceError(499, 'CANCELLED', 'voice chat was cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal.removeEventListener('abort', onAbort);
      sub = this.aiRouter.stream(cmd).subscribe({
        next: (e) => {
          if (e.type === 'done' || e.type === 'error') final = e;
          else if (e.type !== 'start') onEvent(e); // the gateway announces the stream itself
        },
        error: (err) => {
          settle();
          reject(asServiceError(err));
        },
        complete: () => {
          settle();
          if (final) resolve(final);
          else reject(new ServiceError(502, 'INCOMPLETE_ANSWER', 'ai-router ended the answer without a done event'));
        },
      });
    });
  }
}

/** ai-router's RPC errors and transport errors (timeout 504, unavailable 503) keep their status. */
function asServiceError(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  if (isRpcErrorPayload(err))
    return new ServiceError(err.status, (err as { code?: string }).code ?? ERROR_CODES.providerFailed, `ai-router: ${err.message}`);
  const e = err as { status?: number; code?: string; message?: string };
  if (typeof e?.status === 'number' && typeof e.code === 'string') return new ServiceError(e.status, e.code, e.message ?? e.code);
  return new ServiceError(502, ERROR_CODES.providerFailed, `ai-router failed: ${e?.message ?? String(err)}`);
}

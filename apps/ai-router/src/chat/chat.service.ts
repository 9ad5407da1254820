import { Injectable } from '@nestjs/common';
import { Observable, of } from 'rxjs';
import { cancellable } from '../streams/cancellable';
import { AiRouterEnv } from '@nitro/config';
import {
  ChatCommand,
  ChatResponseDto,
  ChatStreamEvent,
  ERROR_CODES,
  isRpcErrorPayload,
  ProviderName,
  type TurnStatus,
} from '@nitro/contracts';
import { getLogger, timed } from '@nitro/observability';
import { ServiceError, validateDto } from '@nitro/service-kit';
import { ConversationRepository, type Delivery, type StoredMessage } from '../memory/conversation.repository';
import { ProviderRequest, type ProviderUsage } from '../providers/chat-provider.interface';
import { ProviderError } from '../providers/provider-error';
import { IncompleteStreamError, RouterService } from '../providers/router.service';
import { newSessionId } from './session-id.util';
import { contextWindow } from './context-window.util';
import { withAttachments } from './attachment-context.util';
import type { AbortCause } from '../streams/generation';
import { TrackedStreamService } from '../streams/tracked-stream.service';
import { ModelRegistry } from '../models/model-registry.service';

interface Turn {
  cmd: ChatCommand;
  sessionId: string;
  /** The id was just generated: there is no history to read. */
  isNew: boolean;
  receivedAt: string;
  /** The stored context, when its read was started early (a tracked stream reads it while it is claimed). */
  history?: Promise<StoredMessage[]>;
  /** The transport request carrying the turn: a redelivery of it does not store the turn again. */
  delivery?: Delivery;
}

/**
 * A chat turn: read the conversation's recent context, route to a provider, store the user's
 * message and the answer, and only then reply (so the next request always sees this turn).
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly router: RouterService,
    private readonly memory: ConversationRepository,
    private readonly env: AiRouterEnv,
    private readonly tracked: TrackedStreamService,
    private readonly models: ModelRegistry,
  ) {}

  /** `delivery`: the transport request (deliveryOf), so a redelivered request does not store its turn twice. */
  async send(raw: unknown, delivery?: Delivery): Promise<ChatResponseDto> {
    const turn = this.begin(raw, delivery);
    const route = await this.models.routeFor(turn.cmd.options);
    const req = await this.request(turn, route.model);
    const routed = await timed('provider', () => this.router.generate(req, { provider: route.provider }));
    const { result } = routed;
    const timestamp = await this.remember(turn, result.text, routed.model, routed.provider, 'complete', result);
    return {
      response: result.text,
      ai_model: routed.model,
      ai_source: routed.provider,
      timestamp,
      session_id: turn.sessionId,
      fallbacks: routed.fallbacks,
      usage: result.usage,
      finish_reason: result.finishReason,
      status: 'complete',
    };
  }

  /**
   * start (tracked streams only), meta, token..., then done (after the write) or one error event;
   * never a silent end. With a `stream_id` the turn is tracked (TrackedStreamService): leaving
   * detaches instead of aborting. Without one (search, agents) leaving aborts at once.
   */
  stream(raw: unknown, delivery?: Delivery): Observable<ChatStreamEvent> {
    let turn: Turn;
    try {
      turn = this.begin(raw, delivery);
    } catch (err) {
      return of(this.errorEvent(err, false));
    }
    const streamId = turn.cmd.stream_id;
    if (streamId) {
      // Read the context while the stream is being claimed: both leave together (one round trip, not two). A read
      // for a stream that turns out to be taken is wasted, nothing else; its failure is reported where it is awaited.
      turn.history = this.readHistory(turn);
      turn.history.catch(() => undefined);
      return this.tracked.open(streamId, turn.cmd.user_id, 'chat', async (gen) => {
        gen.emit({ type: 'start', stream_id: streamId, session_id: turn.sessionId });
        return this.produce(
          turn,
          (e) => gen.emit(e),
          gen.signal,
          () => gen.abortCause,
        );
      });
    }
    // The transport unsubscribes when the caller goes away: stop generating for nobody.
    return cancellable<ChatStreamEvent>('stream cancelled by the caller', async (emit, signal) => {
      await this.produce(turn, emit, signal, () => undefined);
    });
  }

  /**
   * Generates one turn into `emit` and stores it with its status: complete; stopped / incomplete
   * when aborted (`cause` says which; an untracked caller that left counts as incomplete); failed
   * when the provider broke after some text. An error before any text stores nothing.
   */
  private async produce(
    turn: Turn,
    emit: (e: ChatStreamEvent) => void,
    signal: AbortSignal,
    cause: () => AbortCause | undefined,
  ): Promise<{ status: TurnStatus; stored: boolean }> {
    let text = '';
    let source: { provider: ProviderName; model: string } | undefined;
    try {
      const route = await this.models.routeFor(turn.cmd.options);
      for await (const ev of this.router.stream(await this.request(turn, route.model), { provider: route.provider, signal })) {
        if (ev.type === 'meta') {
          source = { provider: ev.provider, model: ev.model };
          emit({ type: 'meta', session_id: turn.sessionId, ai_model: ev.model, ai_source: ev.provider, fallbacks: ev.fallbacks });
        } else if (ev.type === 'token') {
          text += ev.text;
          emit({ type: 'token', text: ev.text });
        } else {
          const timestamp = await this.remember(turn, text, ev.model, ev.provider, 'complete', ev);
          emit({
            type: 'done',
            response: text,
            ai_model: ev.model,
            ai_source: ev.provider,
            session_id: turn.sessionId,
            timestamp,
            status: 'complete',
            finish_reason: ev.finishReason,
            usage: ev.usage,
          });
          return { status: 'complete', stored: !turn.cmd.ephemeral };
        }
      }
      throw new ServiceError(502, ERROR_CODES.providerFailed, 'the provider ended the stream without a final event');
    } catch (err) {
      const aborted = signal.aborted && !(err instanceof IncompleteStreamError);
      if (aborted) {
        const status = cause() ?? 'incomplete';
        // Keep what was produced, marked as such: the history must not pretend it was a full answer.
        const timestamp = await this.remember(turn, text, source?.model ?? '', source?.provider ?? ('' as ProviderName), status).catch(
          logStoreFailure,
        );
        emit({
          type: 'done',
          response: text,
          ai_model: source?.model ?? '',
          ai_source: source?.provider ?? '',
          session_id: turn.sessionId,
          timestamp: timestamp ?? new Date().toISOString(),
          status,
          finish_reason: status,
        });
        return { status, stored: !!timestamp && !turn.cmd.ephemeral };
      }
      const broke = err instanceof IncompleteStreamError || (err instanceof ProviderError && !!text);
      const stored =
        broke && !!source ? !!(await this.remember(turn, text, source.model, source.provider, 'failed').catch(logStoreFailure)) : false;
      emit(this.errorEvent(err, broke));
      return { status: 'failed', stored: stored && !turn.cmd.ephemeral };
    }
  }

  private begin(raw: unknown, delivery?: Delivery): Turn {
    const cmd = validateDto(ChatCommand, raw);
    return { cmd, sessionId: cmd.session_id ?? newSessionId(), isNew: !cmd.session_id, receivedAt: new Date().toISOString(), delivery };
  }

  /** The conversation's recent messages (none for a new or ephemeral turn). */
  private readHistory(turn: Turn): Promise<StoredMessage[]> {
    const { cmd } = turn;
    if (cmd.ephemeral || turn.isNew || !this.env.CHAT_CONTEXT_MESSAGES) return Promise.resolve([]);
    return timed('memory-read', () => this.memory.messages(cmd.user_id, turn.sessionId, this.env.CHAT_CONTEXT_MESSAGES));
  }

  private async request(turn: Turn, model: string | undefined): Promise<ProviderRequest> {
    const { cmd } = turn;
    const stored = await (turn.history ?? this.readHistory(turn)).catch(memoryDown);
    const history = contextWindow(stored, this.env.CHAT_CONTEXT_MESSAGES, this.env.CHAT_CONTEXT_CHARS);
    const o = cmd.options ?? {};
    return {
      system: o.system,
      model,
      temperature: o.temperature,
      maxTokens: o.max_tokens,
      // Images ride on this message only: history keeps their names, not their bytes, so older turns' images are not sent again.
      messages: [
        ...history,
        {
          role: 'user',
          content: withAttachments(cmd.message, cmd.attachments),
          ...(cmd.images?.length ? { images: cmd.images.map(({ mime, data }) => ({ mime, data })) } : {}),
        },
      ],
    };
  }

  /**
   * Writes the user's message and the answer with how the turn ended; returns the answer's timestamp.
   * `done` (a complete turn): the provider's token counts and finish reason, kept on the answer so history can show them.
   */
  private async remember(
    turn: Turn,
    answer: string,
    model: string,
    provider: ProviderName,
    status: TurnStatus = 'complete',
    done?: { usage?: ProviderUsage; finishReason?: string },
  ): Promise<string> {
    const usage = storedUsage(done?.usage);
    const timestamp = new Date().toISOString();
    if (turn.cmd.ephemeral) return timestamp;
    await timed('memory-write', () =>
      this.memory.append(
        turn.cmd.user_id,
        turn.sessionId,
        [
          { role: 'user', content: turn.cmd.message, timestamp: turn.receivedAt, ...storedAttachments(turn.cmd) },
          {
            role: 'assistant',
            content: answer,
            timestamp,
            ai_model: model,
            ai_source: provider,
            ...(status !== 'complete' ? { status } : {}),
            ...(usage ? { usage } : {}),
            ...(done?.finishReason ? { finish_reason: done.finishReason } : {}),
          },
        ],
        Date.now(),
        turn.delivery,
      ),
    ).catch(memoryDown);
    return timestamp;
  }

  private errorEvent(err: unknown, incomplete: boolean): ChatStreamEvent {
    if (err instanceof IncompleteStreamError)
      return { type: 'error', status: 502, code: ERROR_CODES.providerFailed, message: err.message, incomplete: true };
    if (err instanceof ServiceError) return { type: 'error', ...pick(err.toPayload()), incomplete };
    if (isRpcErrorPayload(err)) return { type: 'error', ...pick(err), incomplete };
    getLogger().error({ err }, 'chat stream failed');
    return { type: 'error', status: 500, code: ERROR_CODES.internal, message: 'internal error in ai-router', incomplete };
  }
}

function pick(p: { status: number; code: string; message: string }) {
  return { status: p.status, code: p.code, message: p.message };
}

/** Only the counts the provider reported (some vendors send none; a zero is still a count). */
function storedUsage(u: ProviderUsage | undefined): ProviderUsage | undefined {
  if (!u) return undefined;
  const out: ProviderUsage = {};
  if (Number.isFinite(u.prompt_tokens)) out.prompt_tokens = u.prompt_tokens;
  if (Number.isFinite(u.completion_tokens)) out.completion_tokens = u.completion_tokens;
  return Object.keys(out).length ? out : undefined;
}

/**
 * The files' text is stored with the question (not only their names), so a later turn replays what the model saw.
 * Images are stored by name only (kind image, no text): their bytes stay out of memory, and later turns say they were there.
 */
function storedAttachments(cmd: Pick<ChatCommand, 'attachments' | 'images'>): Pick<StoredMessage, 'attachments'> {
  const texts = (cmd.attachments ?? []).map((a) => ({
    name: a.name,
    kind: a.kind,
    chars: a.chars ?? [...a.text].length,
    ...(a.truncated ? { truncated: true } : {}),
    text: a.text,
  }));
  const images = (cmd.images ?? []).map((i) => ({ name: i.name || 'image', kind: 'image' as const, chars: 0, text: '' }));
  return texts.length || images.length ? { attachments: [...texts, ...images] } : {};
}

function logStoreFailure(err: unknown): undefined {
  getLogger().error({ err }, 'could not store an unfinished answer');
  return undefined;
}

/** Memory is part of the contract (written before the reply): without Redis, say so rather than answer unrecorded. */
function memoryDown(err: unknown): never {
  getLogger().error({ err }, 'conversation memory unavailable');
  throw new ServiceError(
    503,
    'MEMORY_UNAVAILABLE',
    `conversation memory (Redis) is unavailable: ${(err as Error).message}. Retry, or send "ephemeral": true to chat without memory.`,
  );
}

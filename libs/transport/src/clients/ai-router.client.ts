import type { Provider } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, type Observable } from 'rxjs';
import {
  type ChatBranchSelectCommand,
  type ChatForkCommand,
  type ChatSessionRenameCommand,
  AI_ROUTER_CLIENT,
  CHAT_PATTERNS,
  SERVICES,
  type ChatCommand,
  type ChatHistoryDto,
  type ChatHistoryQuery,
  type ChatResponseDto,
  type ChatSessionDto,
  type ChatSessionRef,
  type ChatSessionsQuery,
  type ChatStreamEvent,
  MODEL_PATTERNS,
  type CompletionCommand,
  type CompletionEvent,
  type EmbedCommand,
  type EmbedResult,
  type ModelListDto,
} from '@nitro/contracts';
import { createTransportClientProvider, type ClientSettingsSource } from '../transport.module';

/**
 * ai-router over the transport, typed: the one way the gateway and the services that chat (search
 * summaries, agents, voice) call it. Errors arrive as ai-router's RpcErrorPayload (`status`,
 * `code`, `message`) or as a TransportError (timeout 504, unavailable 503, replica lost 502).
 * Message shapes: libs/contracts/src/chat.
 */
export class AiRouterClient {
  constructor(private readonly client: ClientProxy) {}

  /** One whole answer (chat.send); written to the conversation unless `ephemeral`. */
  send(cmd: ChatCommand): Promise<ChatResponseDto> {
    return firstValueFrom(this.client.send<ChatResponseDto>(CHAT_PATTERNS.send, cmd));
  }

  /** The answer as events (chat.stream); unsubscribing cancels it (or detaches, for a tracked stream). */
  stream(cmd: ChatCommand): Observable<ChatStreamEvent> {
    return this.client.send<ChatStreamEvent>(CHAT_PATTERNS.stream, cmd);
  }

  history(q: ChatHistoryQuery): Promise<ChatHistoryDto> {
    return firstValueFrom(this.client.send<ChatHistoryDto>(CHAT_PATTERNS.history, q));
  }

  clear(q: ChatHistoryQuery): Promise<{ cleared: number }> {
    return firstValueFrom(this.client.send<{ cleared: number }>(CHAT_PATTERNS.clear, q));
  }

  /** chat.sessions: the user's conversations, or with `q` those that contain it (ChatSessionsQuery). */
  sessions(q: ChatSessionsQuery): Promise<ChatSessionDto[]> {
    return firstValueFrom(this.client.send<ChatSessionDto[]>(CHAT_PATTERNS.sessions, q));
  }

  deleteSession(ref: ChatSessionRef): Promise<{ cleared: number }> {
    return firstValueFrom(this.client.send<{ cleared: number }>(CHAT_PATTERNS.deleteSession, ref));
  }

  /** chat.session.rename: a person's own title. */
  renameSession(cmd: ChatSessionRenameCommand): Promise<{ session_id: string; title: string }> {
    return firstValueFrom(this.client.send(CHAT_PATTERNS.renameSession, cmd));
  }

  /** chat.session.fork: messages from `index` on become an alternative (Regenerate, Edit). */
  fork(cmd: ChatForkCommand): Promise<{ index: number; count: number }> {
    return firstValueFrom(this.client.send(CHAT_PATTERNS.fork, cmd));
  }

  /** chat.session.branch: show another alternative; answers the history as it now is. */
  selectBranch(cmd: ChatBranchSelectCommand): Promise<ChatHistoryDto> {
    return firstValueFrom(this.client.send<ChatHistoryDto>(CHAT_PATTERNS.selectBranch, cmd));
  }

  stats(): Promise<{ sessions_active: number; total_messages: number }> {
    return firstValueFrom(this.client.send(CHAT_PATTERNS.stats, {}));
  }

  /** The model registry (models.list); `refresh` asks every provider again first. */
  models(refresh = false): Promise<ModelListDto> {
    return firstValueFrom(this.client.send<ModelListDto>(MODEL_PATTERNS.list, { refresh }));
  }

  /** A stateless completion (chat.complete) as events; unsubscribing cancels generation at once. */
  complete(cmd: CompletionCommand): Observable<CompletionEvent> {
    return this.client.send<CompletionEvent>(MODEL_PATTERNS.complete, cmd);
  }

  /** Embedding vectors (embeddings.create); unsubscribing cancels. */
  embed(cmd: EmbedCommand): Observable<EmbedResult> {
    return this.client.send<EmbedResult>(MODEL_PATTERNS.embed, cmd);
  }
}

/** The transport client for ai-router (token AI_ROUTER_CLIENT) and its typed wrapper (token AiRouterClient). */
export function aiRouterClientProviders(settings: ClientSettingsSource): Provider[] {
  return [
    createTransportClientProvider(AI_ROUTER_CLIENT, SERVICES.aiRouter, settings),
    { provide: AiRouterClient, inject: [AI_ROUTER_CLIENT], useFactory: (client: ClientProxy) => new AiRouterClient(client) },
  ];
}

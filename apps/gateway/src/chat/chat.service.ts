import { BadRequestException, Injectable } from '@nestjs/common';
import { ChatCommand, ChatHistoryDto, ChatRequestDto, ChatResponseDto, ChatSessionDto } from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import { AiRouterClient } from '@nitro/transport';
import type { AuthUser } from '../auth/auth-user';
import { ChatStreamsService, type OpenedStream } from './chat-streams.service';

/** Chat at the edge: enforce the configured message limit, then hand over to ai-router. */
@Injectable()
export class ChatService {
  constructor(
    private readonly aiRouter: AiRouterClient,
    private readonly env: GatewayEnv,
    private readonly streams: ChatStreamsService,
  ) {}

  send(dto: ChatRequestDto): Promise<ChatResponseDto> {
    return this.aiRouter.send(this.command(dto));
  }

  /**
   * A tracked turn (docs/adr/0006-chat-stream-lifecycle.md): a stream_id registered for the owner,
   * then the events from ai-router; with an Idempotency-Key a repeated request gets the same turn.
   */
  async open(user: AuthUser, dto: ChatRequestDto, idempotencyKey?: string): Promise<OpenedStream> {
    const cmd = this.command(dto);
    return this.streams.open(user, dto.user_id, 'chat', idempotencyKey, (stream_id) => this.aiRouter.stream({ ...cmd, stream_id }));
  }

  /** POST /chat with an Idempotency-Key runs as a tracked turn so that a retry returns the same answer. */
  async sendOnce(user: AuthUser, dto: ChatRequestDto, idempotencyKey: string): Promise<ChatResponseDto> {
    return this.streams.collect((await this.open(user, dto, idempotencyKey)).events);
  }

  history(user_id: string, session_id?: string, limit?: number): Promise<ChatHistoryDto> {
    return this.aiRouter.history({ user_id, session_id, limit });
  }

  clear(user_id: string, session_id?: string): Promise<{ cleared: number }> {
    return this.aiRouter.clear({ user_id, session_id });
  }

  sessions(user_id: string): Promise<ChatSessionDto[]> {
    return this.aiRouter.sessions({ user_id });
  }

  deleteSession(user_id: string, session_id: string): Promise<{ cleared: number }> {
    return this.aiRouter.deleteSession({ user_id, session_id });
  }

  private command(dto: ChatRequestDto): ChatCommand {
    if (dto.message.length > this.env.CHAT_MAX_MESSAGE_CHARS) {
      throw new BadRequestException({ error: 'VALIDATION_FAILED', message: `message must be shorter than or equal to ${this.env.CHAT_MAX_MESSAGE_CHARS} characters` });
    }
    if (!dto.message.trim()) throw new BadRequestException({ error: 'VALIDATION_FAILED', message: 'message must not be blank' });
    return { message: dto.message, user_id: dto.user_id, session_id: dto.session_id, options: dto.options };
  }
}

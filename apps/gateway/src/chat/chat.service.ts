import { BadRequestException, Injectable } from '@nestjs/common';
import {
  ChatBranchSelectDto,
  ChatCommand,
  ChatForkDto,
  ChatHistoryDto,
  ChatSessionPatchDto,
  ChatRequestDto,
  ChatResponseDto,
  ChatSessionDto,
  ERROR_CODE,
  exceedsCodePoints,
  hasVisibleContent,
} from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import { AiRouterClient } from '@nitro/transport';
import { assertCanAccess, type AuthUser } from '../auth/auth-user';
import { ChatStreamsService, type OpenedStream } from './chat-streams.service';
import { AttachmentsService } from './attachments.service';

/**
 * Chat at the edge: the caller may act for `user_id` (its own, or any as admin), the configured
 * message limit, then ai-router. Every method takes the authenticated user first.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly aiRouter: AiRouterClient,
    private readonly env: GatewayEnv,
    private readonly streams: ChatStreamsService,
    private readonly attachments: AttachmentsService,
  ) {}

  /** One whole answer. @throws ForbiddenException when dto.user_id is not the caller's (admins may). */
  send(user: AuthUser, dto: ChatRequestDto): Promise<ChatResponseDto> {
    const cmd = this.command(user, dto);
    return this.attach(user, dto, cmd).then((c) => this.aiRouter.send(c));
  }

  /**
   * A tracked turn (docs/adr/0006-chat-stream-lifecycle.md): a stream_id registered for the owner,
   * then the events from ai-router; with an Idempotency-Key a repeated request gets the same turn.
   */
  async open(user: AuthUser, dto: ChatRequestDto, idempotencyKey?: string): Promise<OpenedStream> {
    const cmd = await this.attach(user, dto, this.command(user, dto));
    return this.streams.open(user, cmd.user_id, 'chat', idempotencyKey, (stream_id) => this.aiRouter.stream({ ...cmd, stream_id }));
  }

  /** POST /chat with an Idempotency-Key runs as a tracked turn so that a retry returns the same answer. */
  async sendOnce(user: AuthUser, dto: ChatRequestDto, idempotencyKey: string): Promise<ChatResponseDto> {
    return this.streams.collect((await this.open(user, dto, idempotencyKey)).events);
  }

  history(user: AuthUser, user_id: string, session_id?: string, limit?: number): Promise<ChatHistoryDto> {
    assertCanAccess(user, user_id);
    return this.aiRouter.history({ user_id, session_id, limit });
  }

  clear(user: AuthUser, user_id: string, session_id?: string): Promise<{ cleared: number }> {
    assertCanAccess(user, user_id);
    return this.aiRouter.clear({ user_id, session_id });
  }

  /** GET /chat/sessions/{user_id}: with `q`, only the conversations that contain it. @throws 403 for another user's (non-admin). */
  sessions(user: AuthUser, user_id: string, q?: string): Promise<ChatSessionDto[]> {
    assertCanAccess(user, user_id);
    return this.aiRouter.sessions(q === undefined ? { user_id } : { user_id, q });
  }

  deleteSession(user: AuthUser, user_id: string, session_id: string): Promise<{ cleared: number }> {
    assertCanAccess(user, user_id);
    return this.aiRouter.deleteSession({ user_id, session_id });
  }

  /** `user_id` defaults to the caller. */
  /** Rename (PATCH /chat/sessions/{user_id}/{session_id}). @throws 404 when there is no such conversation. */
  renameSession(
    user: AuthUser,
    user_id: string,
    session_id: string,
    dto: ChatSessionPatchDto,
  ): Promise<{ session_id: string; title: string }> {
    assertCanAccess(user, user_id);
    return this.aiRouter.renameSession({ user_id, session_id, title: dto.title });
  }

  /** Regenerate / Edit: the messages from dto.index on become an alternative; the next message sent continues from there. */
  fork(user: AuthUser, user_id: string, session_id: string, dto: ChatForkDto): Promise<{ index: number; count: number }> {
    assertCanAccess(user, user_id);
    return this.aiRouter.fork({ user_id, session_id, index: dto.index, kind: dto.kind });
  }

  /** Shows another alternative; the history as it now is. */
  selectBranch(user: AuthUser, user_id: string, session_id: string, dto: ChatBranchSelectDto): Promise<ChatHistoryDto> {
    assertCanAccess(user, user_id);
    return this.aiRouter.selectBranch({ user_id, session_id, index: dto.index, variant: dto.variant });
  }

  /**
   * The caller's own attachments on the command, whoever's conversation this is (an admin chatting for a user
   * attaches their own files): text as `attachments`, images as `images` (ai-router sends them with this message to
   * a provider that reads images). @throws 404 / 400 from AttachmentsService.resolve (unknown id, too much text).
   */
  private async attach(user: AuthUser, dto: ChatRequestDto, cmd: ChatCommand): Promise<ChatCommand> {
    if (!dto.attachments?.length) return cmd;
    const { texts, images } = await this.attachments.resolve(user, dto.attachments);
    return { ...cmd, ...(texts.length ? { attachments: texts } : {}), ...(images.length ? { images } : {}) };
  }

  private command(user: AuthUser, dto: ChatRequestDto): ChatCommand {
    const user_id = dto.user_id ?? user.id;
    assertCanAccess(user, user_id);
    if (exceedsCodePoints(dto.message, this.env.CHAT_MAX_MESSAGE_CHARS)) {
      throw new BadRequestException({
        error: ERROR_CODE.VALIDATION_FAILED,
        message: `message must be at most ${this.env.CHAT_MAX_MESSAGE_CHARS} characters (Unicode code points)`,
      });
    }
    if (!hasVisibleContent(dto.message)) {
      throw new BadRequestException({
        error: ERROR_CODE.VALIDATION_FAILED,
        message: 'message must contain visible text (letters, digits, punctuation or symbols)',
      });
    }
    return {
      message: dto.message,
      user_id,
      session_id: dto.session_id,
      options: dto.options,
      ...(dto.ephemeral ? { ephemeral: true } : {}),
    };
  }
}

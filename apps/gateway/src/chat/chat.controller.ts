import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ChatBranchSelectDto,
  ChatForkDto,
  ChatHistoryDto,
  ChatRequestDto,
  ChatResponseDto,
  ChatSessionDto,
  ChatSessionPatchDto,
} from '@nitro/contracts';
import { sendSse } from '../common/sse';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { ChatService } from './chat.service';
import { ClearQueryDto, HistoryQueryDto, SessionsQueryDto, UserIdParam, UserSessionParams } from './chat-query.dto';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Send a message; the answer names the provider and model that served it. With "stream": true the reply is Server-Sent Events as for POST /chat/stream.',
  })
  @ApiOkResponse({ type: ChatResponseDto })
  @ApiBadRequestResponse({ description: 'A field is missing or invalid; the message names it.' })
  @ApiNotFoundResponse({
    description:
      'options.model is not a model id of GET /models (also when its provider part is not one of ours, e.g. "nope/nope"): MODEL_NOT_FOUND, details.param "options.model"; the message lists the ids that exist. On /chat/stream the same comes as an `error` event with status 404.',
  })
  @ApiServiceUnavailableResponse({
    description:
      'No provider could answer (NO_PROVIDER_AVAILABLE; the message lists those tried and what to configure), or the options.model asked for cannot serve now (MODEL_UNAVAILABLE).',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retry with the same key (per user, 1-255 visible ASCII characters, else 400) within 10 minutes returns the same turn instead of sending the message again. The key is not bound to the body: a different message under a used key gets the first turn back.',
  })
  async send(
    @Body() dto: ChatRequestDto,
    @CurrentUser() user: AuthUser,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (dto.stream) return this.sendStream(dto, user, key, reply);
    return key === undefined ? this.chat.send(user, dto) : this.chat.sendOnce(user, dto, key);
  }

  @Post('stream')
  @ApiOperation({
    summary: 'Send a message and stream the answer as Server-Sent Events.',
    description:
      'Every event has an `id:` line. Events: `start` (stream_id, session_id; also the `X-Stream-Id` header), `meta` (ai_model, ai_source), `token` ({ text }) per chunk, then ' +
      '`done` (the answer as stored, with `status`: complete, stopped or incomplete) or `error` ({ status, code, message, incomplete }; text already sent is stored with status "failed"). ' +
      'Stop with POST /chat/streams/{stream_id}/stop; after a dropped connection resume with GET /chat/streams/{stream_id} and `Last-Event-ID`. A client that leaves without stopping does not stop generation at once: it goes on while a reader is attached or for CHAT_STREAM_GRACE_MS (30 s), then stops and is stored "incomplete".',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A retry with the same key (per user, 1-255 visible ASCII characters, else 400) within 10 minutes returns the same turn instead of sending the message again. The key is not bound to the body: a different message under a used key gets the first turn back. On this route the retry attaches to the same stream, replayed from its start.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'text/event-stream',
    headers: {
      'X-Stream-Id': { description: 'The stream_id (also in the first event, `start`).', schema: { type: 'string', format: 'uuid' } },
    },
  })
  @ApiBadRequestResponse({ description: 'A field is missing or invalid, or a malformed Idempotency-Key; the message names it.' })
  @ApiForbiddenResponse({ description: 'user_id is not yours.' })
  async stream(
    @Body() dto: ChatRequestDto,
    @CurrentUser() user: AuthUser,
    @Headers('idempotency-key') key: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    await this.sendStream(dto, user, key, reply);
  }

  private async sendStream(dto: ChatRequestDto, user: AuthUser, key: string | undefined, reply: FastifyReply): Promise<void> {
    const { streamId, events } = await this.chat.open(user, dto, key);
    sendSse(reply, events, { headers: { 'X-Stream-Id': streamId } });
  }

  @Get('history/:user_id')
  @ApiOperation({ summary: "A conversation's messages, oldest first (the most recent conversation when session_id is omitted)." })
  @ApiOkResponse({ type: ChatHistoryDto })
  history(@Param() p: UserIdParam, @Query() q: HistoryQueryDto, @CurrentUser() user: AuthUser) {
    return this.chat.history(user, p.user_id, q.session_id, q.limit);
  }

  @Delete('clear/:user_id')
  @ApiOperation({ summary: "Delete one conversation (session_id) or all of the user's conversations." })
  clear(@Param() p: UserIdParam, @Query() q: ClearQueryDto, @CurrentUser() user: AuthUser) {
    return this.chat.clear(user, p.user_id, q.session_id);
  }

  @Get('sessions/:user_id')
  @ApiOperation({
    summary: "The user's conversations, most recently used first; with `q`, only those whose title or a message contains it.",
  })
  @ApiOkResponse({ type: [ChatSessionDto] })
  sessions(@Param() p: UserIdParam, @Query() q: SessionsQueryDto, @CurrentUser() user: AuthUser) {
    return this.chat.sessions(user, p.user_id, q.q);
  }

  @Patch('sessions/:user_id/:session_id')
  @ApiOperation({ summary: 'Rename a conversation (its title in GET /chat/sessions).' })
  renameSession(@Param() p: UserSessionParams, @Body() dto: ChatSessionPatchDto, @CurrentUser() user: AuthUser) {
    return this.chat.renameSession(user, p.user_id, p.session_id, dto);
  }

  @Post('sessions/:user_id/:session_id/fork')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Regenerate or Edit: set the messages from `index` on aside as an alternative; the next message sent to this conversation continues from there.',
    description:
      'Regenerate: fork at the question and send it again. Edit: fork at the question and send the edited one. The alternatives are listed in the history (`branches`). ' +
      "`index` must be a question (a user message): an answer's position is a 400; past the end, a 404.",
  })
  fork(@Param() p: UserSessionParams, @Body() dto: ChatForkDto, @CurrentUser() user: AuthUser) {
    return this.chat.fork(user, p.user_id, p.session_id, dto);
  }

  @Put('sessions/:user_id/:session_id/branches')
  @ApiOperation({ summary: 'Show another alternative at a position (‹ 1/2 ›); answers the history as it now is.' })
  @ApiOkResponse({ type: ChatHistoryDto })
  selectBranch(@Param() p: UserSessionParams, @Body() dto: ChatBranchSelectDto, @CurrentUser() user: AuthUser) {
    return this.chat.selectBranch(user, p.user_id, p.session_id, dto);
  }

  @Delete('sessions/:user_id/:session_id')
  @ApiOperation({ summary: 'Delete one conversation.' })
  deleteSession(@Param() p: UserSessionParams, @CurrentUser() user: AuthUser) {
    return this.chat.deleteSession(user, p.user_id, p.session_id);
  }
}

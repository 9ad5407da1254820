import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatHistoryDto, ChatRequestDto, ChatResponseDto, ChatSessionDto } from '@nitro/contracts';
import { sendSse } from '../common/sse';
import { AuthUser, CurrentUser, assertCanAccess } from '../auth/auth-user';
import { ChatService } from './chat.service';
import { ClearQueryDto, HistoryQueryDto, UserIdParam, UserSessionParams } from './chat-query.dto';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('chat')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a message; the answer names the provider and model that served it. With "stream": true the reply is Server-Sent Events as for POST /chat/stream.' })
  @ApiOkResponse({ type: ChatResponseDto })
  @ApiBadRequestResponse({ description: 'A field is missing or invalid; the message names it.' })
  @ApiServiceUnavailableResponse({ description: 'No provider could answer; the message lists those tried and what to configure.' })
  async send(@Body() dto: ChatRequestDto, @CurrentUser() user: AuthUser, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    assertCanAccess(user, dto.user_id);
    if (dto.stream) return sendSse(req, reply, this.chat.stream(dto));
    return this.chat.send(dto);
  }

  @Post('stream')
  @ApiOperation({
    summary: 'Send a message and stream the answer as Server-Sent Events.',
    description:
      'Events: `meta` (session_id, ai_model, ai_source), then `token` ({ text }) per chunk, then `done` (the full answer, stored) or `error` ({ status, code, message, incomplete }). An `error` after tokens means the answer is incomplete; it is stored marked incomplete.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream' })
  stream(@Body() dto: ChatRequestDto, @CurrentUser() user: AuthUser, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    assertCanAccess(user, dto.user_id);
    sendSse(req, reply, this.chat.stream(dto));
  }

  @Get('history/:user_id')
  @ApiOperation({ summary: "A conversation's messages, oldest first (the most recent conversation when session_id is omitted)." })
  @ApiOkResponse({ type: ChatHistoryDto })
  history(@Param() p: UserIdParam, @Query() q: HistoryQueryDto, @CurrentUser() user: AuthUser) {
    assertCanAccess(user, p.user_id);
    return this.chat.history(p.user_id, q.session_id, q.limit);
  }

  @Delete('clear/:user_id')
  @ApiOperation({ summary: "Delete one conversation (session_id) or all of the user's conversations." })
  clear(@Param() p: UserIdParam, @Query() q: ClearQueryDto, @CurrentUser() user: AuthUser) {
    assertCanAccess(user, p.user_id);
    return this.chat.clear(p.user_id, q.session_id);
  }

  @Get('sessions/:user_id')
  @ApiOperation({ summary: "The user's conversations, most recently used first." })
  @ApiOkResponse({ type: [ChatSessionDto] })
  sessions(@Param() p: UserIdParam, @CurrentUser() user: AuthUser) {
    assertCanAccess(user, p.user_id);
    return this.chat.sessions(p.user_id);
  }

  @Delete('sessions/:user_id/:session_id')
  @ApiOperation({ summary: 'Delete one conversation.' })
  deleteSession(@Param() p: UserSessionParams, @CurrentUser() user: AuthUser) {
    assertCanAccess(user, p.user_id);
    return this.chat.deleteSession(p.user_id, p.session_id);
  }
}

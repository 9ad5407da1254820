import { Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChatStreamParams, ChatStreamStopResponseDto } from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { sendSse } from '../common/sse';
import { ChatStreamsService } from './chat-streams.service';

/** Resume and stop of tracked chat and voice streams (docs/adr/0006-chat-stream-lifecycle.md). */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('chat/streams')
export class ChatStreamsController {
  constructor(private readonly streams: ChatStreamsService) {}

  @Get(':stream_id')
  @ApiOperation({
    summary: 'Resume a chat stream (SSE) on any gateway: every event after Last-Event-ID, then live until done or error.',
    description:
      'Owner only. Without Last-Event-ID the stream is replayed from its start. Ended streams stay readable for CHAT_STREAM_TTL_S (10 minutes).',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description:
      'The `id:` of the last event received (decimal); 400 when malformed. At or past the last event of an ended stream, the response ends at once (nothing is missing).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'text/event-stream',
    headers: { 'X-Stream-Id': { description: 'The stream being resumed.', schema: { type: 'string', format: 'uuid' } } },
  })
  @ApiBadRequestResponse({ description: 'Last-Event-ID is not a decimal event id.' })
  @ApiNotFoundResponse({ description: 'No such stream, or not yours.' })
  async resume(
    @Param() p: ChatStreamParams,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    sendSse(reply, await this.streams.resume(user, p.stream_id, lastEventId), { headers: { 'X-Stream-Id': p.stream_id } });
  }

  @Post(':stream_id/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop generation (chat or voice); the turn is stored with the text so far and status "stopped".',
    description:
      'Owner or admin. Answers once the turn is stored (normally well under a second). A stream that had already ended keeps and returns its status; one whose replica died answers "failed" (nothing was stored; a retry with the same Idempotency-Key generates it again).',
  })
  @ApiOkResponse({ type: ChatStreamStopResponseDto })
  @ApiNotFoundResponse({ description: 'No such stream, or not yours.' })
  stop(@Param() p: ChatStreamParams, @CurrentUser() user: AuthUser) {
    return this.streams.stop(user, p.stream_id);
  }
}

import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ChatCompletionRequestDto, OpenAiErrorDto } from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { ClientSignal } from '../common/request-params.decorators';
import { sendOpenAiSse } from '../common/openai-sse';
import { ChatCompletionsService, servedHeaders } from './chat-completions.service';
import { V1Errors } from './v1-docs';

@ApiTags('openai')
@ApiBearerAuth()
@V1Errors()
@Controller('v1/chat')
export class ChatCompletionsController {
  constructor(private readonly completions: ChatCompletionsService) {}

  @Post('completions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI-compatible chat completion (stream or not).',
    description:
      'The body and answers are OpenAI\'s (https://platform.openai.com/docs/api-reference/chat). `model` is an id from GET /v1/models or "default" (local-first routing with fallback). ' +
      'Headers x-nitro-provider, x-nitro-model and x-nitro-fallbacks (JSON) say who answered. Stateless: nothing is stored unless x-nitro-session-id names a conversation. ' +
      'With "stream": true, `data:` chunks then `data: [DONE]`; closing the connection stops generation at once. ' +
      'Images: `image_url` parts with base64 data URLs on user messages (see `messages`); a remote URL is a 400 (not fetched: SSRF).',
  })
  @ApiBody({
    type: ChatCompletionRequestDto,
    examples: {
      hello: { value: { model: 'default', messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 32 } },
      stream: {
        value: {
          model: 'default',
          messages: [{ role: 'user', content: 'Count to five.' }],
          stream: true,
          stream_options: { include_usage: true },
        },
      },
    },
  })
  @ApiHeader({
    name: 'x-nitro-session-id',
    required: false,
    description: 'Store the last user message and the answer in this conversation of yours (GET /chat/history).',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ description: 'A chat.completion object, or chat.completion.chunk events.' })
  @ApiNotFoundResponse({
    type: OpenAiErrorDto,
    description: 'The model does not exist (code model_not_found); the message lists those that do.',
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChatCompletionRequestDto,
    @Headers('x-nitro-session-id') sessionId: string | undefined,
    @ClientSignal() signal: AbortSignal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (dto.stream) {
      const { chunks, served } = this.completions.stream(user, dto, sessionId);
      return sendOpenAiSse(reply, chunks, { headers: () => servedHeaders(served()) });
    }
    const { served, body } = await this.completions.create(user, dto, sessionId, signal);
    reply.headers(servedHeaders(served));
    return body;
  }
}

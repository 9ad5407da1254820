import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SearchRequestDto, SearchResponseDto, VideoSearchRequestDto, VideoSearchResponseDto } from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { sendSse } from '../common/sse';
import { SearchService } from './search.service';

const BAD_INPUT = 'query empty, blank or over 500 characters, a bad option, or an unknown field; the message names it.';
const NO_PROVIDER =
  'No provider could answer; the message and details.tried list each provider with the reason (not configured, timeout, 429 …).';

@ApiTags('search')
@ApiBearerAuth()
@Controller()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Post('search')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Web search with an optional AI summary citing the results as [1], [2] …',
    description:
      'Results come from the first configured provider that answers (DuckDuckGo, SearXNG, Brave) or from the cache. With summarize (default true) ai-router writes a summary whose citations each map to a listed result; if it fails, `summary_error` says why and the results are still returned.',
  })
  @ApiOkResponse({ type: SearchResponseDto })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiServiceUnavailableResponse({ description: NO_PROVIDER })
  web(@Body() dto: SearchRequestDto, @CurrentUser() user: AuthUser) {
    return this.search.web(user, dto);
  }

  @Post('search/stream')
  @ApiOperation({
    summary: 'Web search streamed as Server-Sent Events: results first, then the summary as it is written.',
    description:
      'Events: `results` ({ query, provider, cached, fallbacks, results }), then `token` ({ text }) per piece of the summary, then `done` ({ summary with citations, or summary_error }). `error` ({ status, code, message }) when the search itself failed, e.g. no provider could answer.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream' })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  webStream(@Body() dto: SearchRequestDto, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    return sendSse(reply, this.search.webStream(user, dto));
  }

  @Post('video/search')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Video search (YouTube Data API, DuckDuckGo videos, SearXNG videos): title, URL, duration, channel, thumbnail, embed URL.',
  })
  @ApiOkResponse({ type: VideoSearchResponseDto })
  @ApiBadRequestResponse({ description: BAD_INPUT })
  @ApiServiceUnavailableResponse({ description: NO_PROVIDER })
  videos(@Body() dto: VideoSearchRequestDto, @CurrentUser() user: AuthUser) {
    return this.search.videos(user, dto);
  }
}

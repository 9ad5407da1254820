import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GenerateImageDto, GenerateImageResultDto, ImageJobAcceptedDto, ImageJobStatusDto, ImageProviderStatusDto } from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { sendSse } from '../common/sse';
import { ImageJobsService } from './image-jobs.service';
import { GenerateImageQueryDto, JobIdParam } from './media-params.dto';

@ApiTags('images')
@ApiBearerAuth()
@ApiExtraModels(GenerateImageResultDto)
@Controller()
export class ImagesController {
  constructor(private readonly jobs: ImageJobsService) {}

  @Post('generate-image')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue an image job; 202 with URLs to poll and to follow. With ?wait=true, 200 with the image URL when done within IMAGE_WAIT_MS.',
    description:
      'Providers are tried in the configured order unless settings.provider names one; the answer names the provider (ai_source) and model. The offline "procedural" generator is not an AI model and says so.',
  })
  @ApiAcceptedResponse({ type: ImageJobAcceptedDto })
  @ApiOkResponse({ type: GenerateImageResultDto, description: 'wait=true and the job finished in time.' })
  @ApiBadRequestResponse({ description: 'A field is missing or invalid; the message names it.' })
  @ApiTooManyRequestsResponse({ description: 'Too many jobs are waiting; Retry-After says when to try again.' })
  async generate(
    @CurrentUser() user: AuthUser,
    @Body() dto: GenerateImageDto,
    @Query() q: GenerateImageQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { status, body } = await this.jobs.submit(user, dto, q.wait === 'true');
    reply.status(status);
    return body;
  }

  @Get('images/jobs/:id')
  @ApiOperation({ summary: "An image job's stage (queued, generating, storing, done, failed), percent, and its images when done." })
  @ApiOkResponse({ type: ImageJobStatusDto })
  @ApiNotFoundResponse({ description: 'No such job, or not yours.' })
  status(@Param() p: JobIdParam, @CurrentUser() user: AuthUser) {
    return this.jobs.status(user, p.id);
  }

  @Get('images/jobs/:id/events')
  @ApiOperation({
    summary: 'Follow a job as Server-Sent Events until it ends.',
    description:
      'The current state comes first (a late subscriber still sees `done`), then `progress` events ({ stage, percent, provider }) in order, then `done` (the same body as a finished POST /generate-image?wait=true) or `failed` ({ reason, code, status }).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream' })
  @ApiNotFoundResponse({ description: 'No such job, or not yours.' })
  async events(@Param() p: JobIdParam, @CurrentUser() user: AuthUser, @Res() reply: FastifyReply) {
    sendSse(reply, await this.jobs.follow(user, p.id));
  }

  @Get('images/providers')
  @ApiOperation({ summary: 'Image providers in the order they are tried, whether each can serve now and why not.' })
  @ApiOkResponse({ type: [ImageProviderStatusDto] })
  providers() {
    return this.jobs.providers();
  }
}

import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AdminModelListDto,
  LocalModelDeletedDto,
  LocalModelNameDto,
  ModelPullAcceptedDto,
  ModelPullRequestDto,
  ModelPullStatusDto,
} from '@nitro/contracts';
import { AdminOnly } from '../auth/admin.guard';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { sendSse } from '../common/sse';
import { PullJobIdParam } from './admin-models.dto';
import { AdminModelsService } from './admin-models.service';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No valid token or API key.' })
@ApiForbiddenResponse({ description: 'Not the admin (checked before the body and path are validated).' })
@AdminOnly()
@Controller('admin/models')
export class AdminModelsController {
  constructor(private readonly models: AdminModelsService) {}

  @Get()
  @ApiOperation({
    summary: 'Admin: the local GGUF model files (MODELS_DIR and LOCAL_MODEL_PATH) and the pulls queued or running.',
    description:
      "Each file with its size, sha256 (computed once per file and cached in ai-router's memory by size and modification time: the first listing after a start reads every file), whether it is loaded and busy, and its id in GET /models.",
  })
  @ApiOkResponse({ type: AdminModelListDto })
  list(@CurrentUser() user: AuthUser) {
    return this.models.list(user);
  }

  @Post('pull')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Admin: download a GGUF model into MODELS_DIR as a BullMQ job run by ai-router (a restart resumes it).',
    description:
      'Refused (the job ends `failed` with `failure`): a file that is not GGUF (`not_gguf`), larger than MODEL_PULL_MAX_BYTES (`too_large`), ' +
      'a sha256 that does not match (`digest_mismatch`; the partial file is removed), a URL that does not exist (`not_found`). ' +
      'Network trouble is retried up to 3 attempts, resuming the partial file. A failed pull leaves an installed file of that name untouched. When done the model is in GET /models and /v1/models as `local/<file name without .gguf>`.',
  })
  @ApiAcceptedResponse({ type: ModelPullAcceptedDto })
  @ApiBadRequestResponse({
    description: '`model` is neither hf:<user>/<repo>/<file>.gguf nor an http(s) URL of a .gguf file, or `sha256` is not 64 hex digits.',
  })
  @ApiConflictResponse({
    description:
      'MODEL_EXISTS: a file of that name is installed (send `replace: true`) or a pull from another source is writing it; ' +
      'MODEL_IN_USE: a replace of a file that is generating an answer (or is LOCAL_MODEL_PATH).',
  })
  pull(@CurrentUser() user: AuthUser, @Body() dto: ModelPullRequestDto) {
    return this.models.pull(user, dto);
  }

  @Get('pull/:job_id')
  @ApiOperation({
    summary: "Admin: a pull's progress: Server-Sent Events with `Accept: text/event-stream`, else its status as JSON.",
    description:
      'Events: the current state first, then `progress` ({ state: queued | downloading | verifying, bytes, total, rate (bytes/s), eta_ms }) in order, ' +
      'then `done` ({ sha256, verified }) or `failed` ({ reason, failure }). Each event carries the whole status.',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: ModelPullStatusDto })
  @ApiNotFoundResponse({ description: 'No such pull (finished pulls are kept for a day).' })
  async progress(
    @CurrentUser() user: AuthUser,
    @Param() p: PullJobIdParam,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!/text\/event-stream/i.test(accept ?? '')) return this.models.status(user, p.job_id);
    sendSse(reply, await this.models.follow(user, p.job_id));
  }

  @Delete(':name')
  @ApiOperation({
    summary: 'Admin: delete a model file of MODELS_DIR (unloaded first). It leaves GET /models at once.',
    description:
      '409 MODEL_IN_USE while an answer is being generated with it, or for the LOCAL_MODEL_PATH file (configuration, not managed here).',
  })
  @ApiOkResponse({ type: LocalModelDeletedDto })
  @ApiBadRequestResponse({ description: '`name` is not a plain file name (a path, "..").' })
  @ApiNotFoundResponse({ description: 'No such file in MODELS_DIR.' })
  @ApiConflictResponse({ description: 'In use (MODEL_IN_USE).' })
  remove(@CurrentUser() user: AuthUser, @Param() p: LocalModelNameDto) {
    return this.models.remove(user, p.name);
  }
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ModelListDto } from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { ModelsService } from './models.service';

/** GET /models: the registry with every model, available or not, and why. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Chat models across providers (`<provider>/<model>`), in routing order: available or not (with the reason), context length and capabilities when known. Pass an id as options.model (POST /chat) or model (/v1).',
  })
  @ApiQuery({ name: 'refresh', required: false, enum: ['true', 'false'], description: 'Ask every provider again before answering.' })
  @ApiOkResponse({ type: ModelListDto })
  list(@CurrentUser() user: AuthUser, @Query('refresh') refresh?: string) {
    return this.models.list(user, refresh === 'true');
  }
}

/** GET /v1/models and /v1/models/{id} (ids contain "/": raw or URL-encoded). */
@ApiTags('openai')
@ApiBearerAuth()
@Controller('v1/models')
export class V1ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  @ApiOperation({ summary: 'OpenAI-compatible model list: the models that can answer now.' })
  @ApiOkResponse({
    schema: { example: { object: 'list', data: [{ id: 'local/stories260K', object: 'model', created: 1764496800, owned_by: 'local' }] } },
  })
  list(@CurrentUser() user: AuthUser) {
    return this.models.openAiList(user);
  }

  @Get('*')
  @ApiOperation({ summary: 'One model by id (e.g. local/stories260K, or local%2Fstories260K).' })
  @ApiParam({ name: 'path', description: 'The model id (raw or URL-encoded).', example: 'local/stories260K' })
  @ApiOkResponse({ schema: { example: { id: 'local/stories260K', object: 'model', created: 1764496800, owned_by: 'local' } } })
  one(@CurrentUser() user: AuthUser, @Param('*') id: string) {
    return this.models.openAiModel(user, decodeURIComponent(id));
  }
}

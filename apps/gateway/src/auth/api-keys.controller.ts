import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser, CurrentUser } from './auth-user';
import { ApiKeyDto, ApiKeyIdParam, CreatedApiKeyDto, CreateApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key for a program. The key (nitro_…) is in this response only; send it as Authorization: Bearer <key>.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiForbiddenResponse({ description: 'Called with an API key: keys are managed from a signed-in session.' })
  @ApiConflictResponse({ description: 'API_KEYS_MAX_PER_USER reached.' })
  create(@Body() dto: CreateApiKeyDto, @CurrentUser() user: AuthUser) {
    return this.keys.create(user, dto.name);
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys: id, name and prefix only.' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(@CurrentUser() user: AuthUser) {
    return this.keys.list(user);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of your API keys; it stops working at once on every gateway instance.' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiNotFoundResponse({ description: 'You have no key with this id.' })
  remove(@Param() p: ApiKeyIdParam, @CurrentUser() user: AuthUser) {
    return this.keys.remove(user, p.id);
  }
}

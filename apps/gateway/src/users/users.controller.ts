import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin.guard';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { UserIdParam } from '../common/user-id.param';
import { AdminUserDto, SettingsDto, UpdateSettingsDto, UserListQueryDto } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('admin')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Not the admin (checked before the body and path are validated).' })
@AdminOnly()
@Controller('auth')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('users')
  @ApiOperation({ summary: 'Admin: every account, oldest first.' })
  @ApiOkResponse({ type: [AdminUserDto] })
  list(@Query() q: UserListQueryDto, @CurrentUser() user: AuthUser) {
    return this.users.list(user, q.offset, q.limit);
  }

  @Post('users/:user_id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Admin: disable an account. Its sessions end and its tokens and API keys are refused at once.' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiBadRequestResponse({ description: 'Disabling yourself.' })
  @ApiNotFoundResponse({ description: 'No such user.' })
  disable(@Param() p: UserIdParam, @CurrentUser() user: AuthUser) {
    return this.users.setDisabled(user, p.user_id, true);
  }

  @Post('users/:user_id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Admin: enable a disabled account (its API keys work again; it must sign in again).' })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiNotFoundResponse({ description: 'No such user.' })
  enable(@Param() p: UserIdParam, @CurrentUser() user: AuthUser) {
    return this.users.setDisabled(user, p.user_id, false);
  }

  @Get('settings')
  @ApiOperation({ summary: 'Admin: server settings (registration open or closed).' })
  @ApiOkResponse({ type: SettingsDto })
  settings(@CurrentUser() user: AuthUser) {
    return this.users.settings(user);
  }

  @Patch('settings')
  @ApiOperation({ summary: 'Admin: open or close registration at runtime, for every gateway instance.' })
  @ApiOkResponse({ type: SettingsDto })
  update(@Body() dto: UpdateSettingsDto, @CurrentUser() user: AuthUser) {
    return this.users.updateSettings(user, dto.registration_open);
  }
}

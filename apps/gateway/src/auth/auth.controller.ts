import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, Public } from './auth-user';
import { ChangePasswordDto, CredentialsDto, LogoutDto, MeDto, PublicUserDto, RefreshDto, RegisterDto, TokenResponseDto } from './auth.dto';
import { isLoopbackRequest } from '../security/client-ip.util';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Public()
  @ApiOperation({ summary: 'Create an account. The first account on a server is its admin; later ones need registration to be open.' })
  @ApiCreatedResponse({ type: PublicUserDto })
  @ApiBadRequestResponse({ description: 'username or password invalid; the message names the field.' })
  @ApiConflictResponse({ description: 'The username is taken (case-insensitive).' })
  @ApiForbiddenResponse({
    description:
      'Registration is closed (REGISTRATION_OPEN or the admin setting), or the first account (the admin) lacks the bootstrap secret (ADMIN_BOOTSTRAP_REQUIRED).',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many auth requests from this address (RATE_LIMIT_AUTH).' })
  register(@Body() dto: RegisterDto, @Req() req: FastifyRequest) {
    return this.auth.register(dto, isLoopbackRequest(req.socket.remoteAddress, req.ip));
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: a short-lived access token (JWT) and a single-use refresh token.' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ description: 'Invalid username or password.' })
  @ApiForbiddenResponse({ description: 'The account is disabled.' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed sign-ins for this account or address; Retry-After says when to retry.' })
  login(@Body() dto: CredentialsDto, @Req() req: FastifyRequest) {
    return this.auth.login(dto, req.ip);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Trade a refresh token for a new access token and a new refresh token (rotation). Reusing a spent refresh token revokes the whole session.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired, revoked or reused refresh token.' })
  refresh(@Body() dto: RefreshDto) {
    return this.auth.refresh(dto.refresh_token);
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End a session: its refresh token and every access token issued for it stop working at once.' })
  @ApiNoContentResponse({ description: 'Signed out (also when the session had already ended).' })
  @ApiBadRequestResponse({
    description:
      'Called with an API key and no refresh_token: a key is not a session; revoke it with DELETE /auth/api-keys/{id} (SESSION_REQUIRED).',
  })
  logout(@Body() dto: LogoutDto, @CurrentUser() user: AuthUser | undefined) {
    return this.auth.logout(dto ?? {}, user);
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change your password (current_password required). Every session ends, this one too: sign in again. API keys keep working.',
  })
  @ApiNoContentResponse({ description: 'Changed.' })
  @ApiBadRequestResponse({
    description:
      'current_password is wrong (CURRENT_PASSWORD_WRONG, details.param "current_password"; the session stays valid), a field is invalid, or new_password equals the current one (VALIDATION_FAILED; the message names the field).',
  })
  @ApiUnauthorizedResponse({ description: 'No valid access token.' })
  @ApiForbiddenResponse({ description: 'Called with an API key (SESSION_REQUIRED).' })
  @ApiTooManyRequestsResponse({
    description: 'Too many wrong passwords for this account or address (counted with failed sign-ins); Retry-After says when to retry.',
  })
  changePassword(@Body() dto: ChangePasswordDto, @CurrentUser() user: AuthUser, @Req() req: FastifyRequest) {
    return this.auth.changePassword(user, dto, req.ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who am I: id (= user_id everywhere), role, and how this request was authenticated.' })
  @ApiOkResponse({ type: MeDto })
  @ApiUnauthorizedResponse({ description: 'No valid token or API key.' })
  me(@CurrentUser() user: AuthUser) {
    return this.auth.me(user);
  }
}

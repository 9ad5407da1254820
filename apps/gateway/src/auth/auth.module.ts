import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitService } from '../security/rate-limit.service';
import { UserRepository } from '../users/user.repository';
import { UsersController } from '../users/users.controller';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator.service';
import { JwtKeyProvider } from './jwt-key.provider';
import { LoginThrottle } from './login-throttle.service';
import { PasswordHasher } from './password-hasher.service';
import { SessionRepository } from './session.repository';

/** Accounts, sessions, API keys, admin tools, and the global guard (authentication + rate limits). */
@Module({
  controllers: [AuthController, ApiKeysController, UsersController],
  providers: [
    JwtKeyProvider,
    AccessTokenService,
    PasswordHasher,
    UserRepository,
    SessionRepository,
    ApiKeyRepository,
    LoginThrottle,
    Authenticator,
    AuthService,
    ApiKeysService,
    UsersService,
    RateLimitService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}

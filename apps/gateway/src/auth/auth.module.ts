import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SecurityModule } from '../security/security.module';
import { UsersModule } from '../users/users.module';
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
import { SessionsModule } from './sessions.module';

/** Sign-in, tokens, API keys, and the global guard (authentication + rate limits). */
@Module({
  imports: [UsersModule, SessionsModule, SecurityModule],
  controllers: [AuthController, ApiKeysController],
  providers: [
    JwtKeyProvider,
    AccessTokenService,
    PasswordHasher,
    ApiKeyRepository,
    LoginThrottle,
    Authenticator,
    AuthService,
    ApiKeysService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}

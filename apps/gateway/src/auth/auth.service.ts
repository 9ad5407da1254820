import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  OnApplicationBootstrap,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { UserRepository } from '../users/user.repository';
import { AccessTokenService } from './access-token.service';
import { AuthUser } from './auth-user';
import { ChangePasswordDto, CredentialsDto, LogoutDto, MeDto, PublicUserDto, RegisterDto, TokenResponseDto } from './auth.dto';
import { LoginThrottle } from './login-throttle.service';
import { PasswordHasher } from './password-hasher.service';
import { SessionRepository } from './session.repository';
import { ERROR_CODE } from '@nitro/contracts';

const BAD_LOGIN = { error: ERROR_CODE.INVALID_CREDENTIALS, message: 'invalid username or password' };

/** Accounts and sessions: register, sign in, rotate refresh tokens, sign out. */
@Injectable()
export class AuthService implements OnApplicationBootstrap {
  constructor(
    private readonly env: GatewayEnv,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** An empty server says once, at start, how its admin can be created (Redis may also have lost its data). */
  async onApplicationBootstrap(): Promise<void> {
    if (this.env.AUTH_DISABLED || (await this.users.count().catch(() => 1)) > 0) return;
    const how = this.env.ADMIN_BOOTSTRAP_TOKEN
      ? 'with "bootstrap_token": ADMIN_BOOTSTRAP_TOKEN in POST /auth/register'
      : 'from this machine (loopback), e.g. curl http://127.0.0.1:PORT/auth/register, or set ADMIN_BOOTSTRAP_TOKEN';
    getLogger().warn(`no accounts yet: the first sign-up becomes the admin and is only accepted ${how}`);
  }

  /**
   * `fromLoopback`: the request came from the gateway's own machine (socket and client address both
   * loopback). The first account becomes the admin, so it needs that or bootstrap_token = ADMIN_BOOTSTRAP_TOKEN.
   */
  async register(dto: RegisterDto, fromLoopback: boolean): Promise<PublicUserDto> {
    // Cheap checks first, so a taken name or a closed server costs no hashing; the Lua script re-checks atomically.
    if (await this.users.exists(dto.username)) throw this.taken(dto.username);
    const first = (await this.users.count()) === 0;
    if (!first && !(await this.registrationOpen())) throw this.closed();
    const mayBeAdmin = this.mayBootstrap(dto.bootstrap_token, fromLoopback);
    if (first && !mayBeAdmin) throw this.bootstrapRequired();
    const created = await this.users.create(dto.username, await this.hasher.hash(dto.password), this.env.REGISTRATION_OPEN, mayBeAdmin);
    if (!created.ok)
      throw created.reason === 'exists'
        ? this.taken(dto.username)
        : created.reason === 'bootstrap'
          ? this.bootstrapRequired()
          : this.closed();
    if (created.role === 'admin') getLogger().info({ user: dto.username }, 'first account registered: it is the admin');
    return { id: dto.username, role: created.role, created_at: created.created_at };
  }

  async login(dto: CredentialsDto, ip: string): Promise<TokenResponseDto> {
    await this.throttle.assertAllowed(dto.username, ip);
    const user = await this.users.find(dto.username);
    const ok = user ? await this.hasher.verify(dto.password, user.passwordHash) : await this.hasher.verifyAgainstDummy(dto.password);
    if (!user || !ok) {
      await this.throttle.recordFailure(dto.username, ip);
      throw new UnauthorizedException(BAD_LOGIN);
    }
    // Only someone who knows the password learns that the account is disabled.
    if (user.disabled)
      throw new ForbiddenException({ error: ERROR_CODE.ACCOUNT_DISABLED, message: 'this account is disabled: ask the admin' });
    await this.throttle.reset(dto.username, ip);
    if (this.hasher.needsRehash(user.passwordHash)) await this.users.setPasswordHash(user.id, await this.hasher.hash(dto.password));
    const session = await this.sessions.start(user.id, this.env.REFRESH_TOKEN_TTL_S);
    return this.tokenResponse(user, session.token, session.familyId);
  }

  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const res = await this.sessions.rotate(refreshToken, this.env.REFRESH_TOKEN_TTL_S, this.env.REFRESH_REUSE_GRACE_S);
    if (res.status === 'reused') {
      getLogger().warn({ user: res.userLower }, 'refresh token reused: session revoked');
      throw new UnauthorizedException({
        error: ERROR_CODE.REFRESH_TOKEN_REUSED,
        message: 'this refresh token was already used, so the session was revoked for safety: sign in again',
      });
    }
    if (res.status !== 'ok')
      throw new UnauthorizedException({
        error: ERROR_CODE.INVALID_REFRESH_TOKEN,
        message: 'the refresh token is invalid, expired or revoked: sign in again',
      });
    const user = await this.users.find(res.userLower);
    if (!user || user.disabled) {
      await this.sessions.revoke(res.familyId, res.userLower);
      throw new UnauthorizedException({ error: ERROR_CODE.ACCOUNT_DISABLED, message: 'this account is disabled or no longer exists' });
    }
    return this.tokenResponse(user, res.token, res.familyId);
  }

  /** Ends the session of the refresh token given, or else of the access token used. Idempotent: 204 either way. */
  async logout(dto: LogoutDto, user: AuthUser | undefined): Promise<void> {
    if (dto.refresh_token) {
      const fam = await this.sessions.familyOf(dto.refresh_token);
      if (fam) await this.sessions.revoke(fam.familyId, fam.userLower);
      return;
    }
    if (user?.sessionId) return this.sessions.revoke(user.sessionId, user.id.toLowerCase());
    // A 204 here used to suggest the key had been signed out while it kept working.
    if (user?.via === 'api_key') {
      throw new BadRequestException({
        error: ERROR_CODE.SESSION_REQUIRED,
        message: `an API key is not a session and logout does not revoke it: DELETE /auth/api-keys/${user.keyId ?? '{id}'} from a signed-in session does`,
      });
    }
    if (!user)
      throw new UnauthorizedException({
        error: ERROR_CODE.UNAUTHENTICATED,
        message: 'send the refresh_token to end, or an access token in Authorization',
      });
  }

  /**
   * Needs the current password (a stolen session alone cannot take the account); every session ends, this one included.
   * @throws BadRequestException CURRENT_PASSWORD_WRONG (details.param `current_password`) for a wrong current password:
   *   bad input, not a failed authentication of the request (a 401 would make clients refresh and sign out). It counts
   *   toward the sign-in throttle like a failed sign-in; over it, 429 TOO_MANY_LOGIN_ATTEMPTS.
   * @throws ForbiddenException SESSION_REQUIRED when called with an API key.
   * @throws BadRequestException VALIDATION_FAILED (details.param `new_password`) when the new password is the current one.
   */
  async changePassword(user: AuthUser, dto: ChangePasswordDto, ip: string): Promise<void> {
    if (user.via !== 'jwt')
      throw new ForbiddenException({
        error: ERROR_CODE.SESSION_REQUIRED,
        message: 'change the password from a signed-in session, not with an API key',
      });
    await this.throttle.assertAllowed(user.id, ip);
    const rec = await this.users.find(user.id);
    if (!rec || !(await this.hasher.verify(dto.current_password, rec.passwordHash))) {
      await this.throttle.recordFailure(user.id, ip);
      throw new BadRequestException({
        error: ERROR_CODE.CURRENT_PASSWORD_WRONG,
        message: 'current_password is wrong',
        details: { param: 'current_password' },
      });
    }
    if (dto.new_password === dto.current_password)
      throw new BadRequestException({
        error: ERROR_CODE.VALIDATION_FAILED,
        message: 'new_password must differ from the current password',
        details: { param: 'new_password' },
      });
    await this.users.setPasswordHash(rec.id, await this.hasher.hash(dto.new_password));
    await this.sessions.revokeAll(rec.id);
    getLogger().info({ user: rec.id }, 'password changed: every session revoked');
  }

  async me(user: AuthUser): Promise<MeDto> {
    if (user.via === 'disabled') return { id: user.id, role: user.role, via: user.via, created_at: new Date(0).toISOString() };
    const rec = await this.users.find(user.id);
    if (!rec) throw new NotFoundException({ error: ERROR_CODE.NOT_FOUND, message: 'this account no longer exists' });
    return { id: rec.id, role: rec.role, created_at: rec.created_at, via: user.via };
  }

  async registrationOpen(): Promise<boolean> {
    return this.env.REGISTRATION_OPEN && (await this.users.registrationSetting()) !== false;
  }

  private async tokenResponse(
    user: { id: string; role: 'admin' | 'user'; created_at: string },
    refreshToken: string,
    familyId: string,
  ): Promise<TokenResponseDto> {
    const access = await this.tokens.sign({ sub: user.id, sid: familyId });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      refresh_expires_in: this.env.REFRESH_TOKEN_TTL_S,
      user: { id: user.id, role: user.role, created_at: user.created_at },
    };
  }

  private taken(username: string) {
    return new ConflictException({
      error: ERROR_CODE.USERNAME_TAKEN,
      message: `username "${username}" is taken (usernames are case-insensitive)`,
    });
  }

  /** With ADMIN_BOOTSTRAP_TOKEN set, only the token counts (compared in constant time); without it, only loopback. */
  private mayBootstrap(token: string | undefined, fromLoopback: boolean): boolean {
    const secret = this.env.ADMIN_BOOTSTRAP_TOKEN;
    if (!secret) return fromLoopback;
    const [a, b] = [
      createHash('sha256')
        .update(token ?? '')
        .digest(),
      createHash('sha256').update(secret).digest(),
    ];
    return token !== undefined && timingSafeEqual(a, b);
  }

  private bootstrapRequired() {
    const how = this.env.ADMIN_BOOTSTRAP_TOKEN
      ? 'send "bootstrap_token" (the ADMIN_BOOTSTRAP_TOKEN of this server)'
      : 'register it from the server itself (http://127.0.0.1), or set ADMIN_BOOTSTRAP_TOKEN';
    return new ForbiddenException({
      error: ERROR_CODE.ADMIN_BOOTSTRAP_REQUIRED,
      message: `this server has no admin yet and the first account becomes it: ${how}`,
    });
  }

  private closed() {
    return new ForbiddenException({
      error: ERROR_CODE.REGISTRATION_CLOSED,
      message: 'registration is closed on this server: ask the admin for an account',
    });
  }
}

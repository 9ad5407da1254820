import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { AccessTokenService } from './access-token.service';
import { ApiKeyRepository } from './api-key.repository';
import { API_KEY_PREFIX, AUTH_KEYS } from './auth-keys.constants';
import { AuthUser } from './auth-user';
import { ERROR_CODE } from '@nitro/contracts';

/** A caller, or why the credentials they sent are refused (only reported on protected routes). */
export interface AuthOutcome {
  user?: AuthUser;
  problem?: string;
}

const BEARER = /^Bearer +([\x21-\x7e]{16,4096}) *$/i;
export const LOCAL_USER: AuthUser = { id: 'local', role: 'admin', via: 'disabled' };

/**
 * Turns `Authorization: Bearer …` into an AuthUser. Every request re-reads the account from
 * Redis (one round trip), so disabling a user, revoking a session or deleting a key takes effect
 * on the very next request on every gateway instance.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly env: GatewayEnv,
    private readonly tokens: AccessTokenService,
    private readonly apiKeys: ApiKeyRepository,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async authenticate(header: string | undefined): Promise<AuthOutcome> {
    if (this.env.AUTH_DISABLED) return { user: LOCAL_USER };
    if (header === undefined || header === '') return {};
    const m = BEARER.exec(header);
    if (!m) return { problem: 'the Authorization header must be "Bearer <access token or API key>"' };
    try {
      return m[1].startsWith(API_KEY_PREFIX) ? await this.byApiKey(m[1]) : await this.byAccessToken(m[1]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) throw err;
      getLogger().error({ reason: (err as Error).message }, 'authentication store unreachable');
      throw new ServiceUnavailableException({
        error: ERROR_CODE.AUTH_UNAVAILABLE,
        message: 'cannot check credentials right now (Redis unreachable); retry shortly',
      });
    }
  }

  private async byAccessToken(token: string): Promise<AuthOutcome> {
    const claims = await this.tokens.verify(token);
    if (!claims) return { problem: 'the access token is invalid or expired: sign in again or POST /auth/refresh' };
    const lower = claims.sub.toLowerCase();
    const res =
      (await this.redis
        .pipeline()
        .hmget(AUTH_KEYS.user(lower), 'id', 'role', 'disabled')
        .hget(AUTH_KEYS.family(claims.sid), 'user')
        .exec()) ?? [];
    for (const [err] of res) if (err) throw err;
    const [id, role, disabled] = (res[0]?.[1] as (string | null)[]) ?? [];
    // The session must exist AND belong to the token's subject: a token for B carrying A's session id is refused.
    if (res[1]?.[1] !== lower) return { problem: 'this session was signed out or revoked: sign in again' };
    const checked = this.account(id && lower, role, disabled);
    if (checked.problem) return checked;
    return { user: { ...checked.user!, via: 'jwt', sessionId: claims.sid } };
  }

  private async byApiKey(key: string): Promise<AuthOutcome> {
    const found = await this.apiKeys.lookup(key);
    if (!found) return { problem: 'the API key is invalid or was revoked' };
    const [id, role, disabled] = await this.redis.hmget(AUTH_KEYS.user(found.userLower), 'id', 'role', 'disabled');
    const checked = this.account(id && found.userLower, role, disabled);
    if (checked.problem) return checked;
    return { user: { ...checked.user!, via: 'api_key', keyId: found.keyId } };
  }

  /** True when an account with this canonical id exists (admin routes answer 404 for anyone else). */
  async userExists(canonicalId: string): Promise<boolean> {
    return (await this.redis.exists(AUTH_KEYS.user(canonicalId))) === 1;
  }

  private account(id: string | null | undefined, role: string | null | undefined, disabled: string | null | undefined): AuthOutcome {
    if (!id) return { problem: 'this account no longer exists' };
    if (disabled === '1') return { problem: 'this account is disabled: ask the admin' };
    return { user: { id, role: role === 'admin' ? 'admin' : 'user', via: '' } };
  }
}

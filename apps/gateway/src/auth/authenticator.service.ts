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

const BEARER = /^Bearer +([\x21-\x7e]{1,4096}) *$/i;

/**
 * Who a request's credentials claim to be, and the check that confirms it. `claimedId` (canonical, lower case)
 * is set once a JWT's signature or an API key's lookup names a user; the account may still be refused by `check()`.
 */
export interface Identification {
  claimedId?: string;
  /** Reads the account (and the session of a JWT): one Redis round trip; no round trip without credentials. */
  check(): Promise<AuthOutcome>;
}

const NOBODY: Identification = { check: async () => ({}) };
const refused = (problem: string): Identification => ({ check: async () => ({ problem }) });

/** Runs a Redis read of the authentication store; a failure is a 503 AUTH_UNAVAILABLE, never a 500 or a refusal. */
async function guarded<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ServiceUnavailableException) throw err;
    getLogger().error({ reason: (err as Error).message }, 'authentication store unreachable');
    throw new ServiceUnavailableException({
      error: ERROR_CODE.AUTH_UNAVAILABLE,
      message: 'cannot check credentials right now (Redis unreachable); retry shortly',
    });
  }
}
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

  /**
   * Phase one: who the credentials claim to be. A JWT needs no Redis here (its signature is checked); an API key
   * needs its lookup (one round trip). Phase two, `check()`, reads the account (and the session): one round trip,
   * which the guard sends together with the rate-limit spend so both leave in one write (issue 17).
   * @throws ServiceUnavailableException (AUTH_UNAVAILABLE) when Redis cannot be asked, here or in `check()`.
   */
  async identify(header: string | undefined): Promise<Identification> {
    if (this.env.AUTH_DISABLED) return { claimedId: LOCAL_USER.id, check: async () => ({ user: LOCAL_USER }) };
    if (header === undefined || header === '') return NOBODY;
    const m = BEARER.exec(header);
    if (!m) return refused('the Authorization header must be "Bearer <access token or API key>"');
    if (m[1].startsWith(API_KEY_PREFIX)) {
      const found = await guarded(() => this.apiKeys.lookup(m[1]));
      if (!found) return refused('the API key is invalid or was revoked');
      return { claimedId: found.userLower, check: () => guarded(() => this.byApiKey(found)) };
    }
    const claims = await guarded(() => this.tokens.verify(m[1]));
    if (!claims) return refused('the access token is invalid or expired: sign in again or POST /auth/refresh');
    return { claimedId: claims.sub.toLowerCase(), check: () => guarded(() => this.byAccessToken(claims)) };
  }

  /** Both phases: the caller, or why the credentials are refused. */
  async authenticate(header: string | undefined): Promise<AuthOutcome> {
    return (await this.identify(header)).check();
  }

  private async byAccessToken(claims: { sub: string; sid: string }): Promise<AuthOutcome> {
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

  private async byApiKey(found: { userLower: string; keyId: string }): Promise<AuthOutcome> {
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

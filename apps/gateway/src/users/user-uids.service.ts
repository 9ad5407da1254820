import { Injectable, NotFoundException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { GatewayEnv } from '@nitro/config';
import { canonicalUserId, ERROR_CODE } from '@nitro/contracts';
import { UserRepository } from './user.repository';

/**
 * The one mapping from a public user id (the username in paths and bodies, `user_id`) to the account's
 * immutable internal uid, which the gallery and image jobs are keyed by (ADR 0003, docs/security.md
 * item 11). It sits next to the user-id canonicalisation (canonicalUserId; the auth guard folds every
 * `user_id` first) and is the only place the gateway turns a username into a uid: services call it once
 * per request for the user they act on, never build keys from a username.
 */
@Injectable()
export class UserUids {
  constructor(
    private readonly users: UserRepository,
    private readonly env: GatewayEnv,
  ) {}

  /**
   * The uid of `userId` (any spelling: it is folded). One Redis read (HGET). Without an account: with
   * AUTH_DISABLED (no accounts, one trusted user) a uid derived from the name (uidForUnauthenticated);
   * otherwise 404 NOT_FOUND (the guard already answers 404 for an admin naming an unknown user, so this is
   * an account deleted in between).
   */
  async of(userId: string): Promise<string> {
    const uid = await this.users.uidOf(canonicalUserId(userId));
    if (uid) return uid;
    if (this.env.AUTH_DISABLED) return uidForUnauthenticated(userId);
    throw new NotFoundException({ error: ERROR_CODE.NOT_FOUND, message: `no user "${userId}"` });
  }
}

/**
 * AUTH_DISABLED (single trusted user, no accounts): a stable uid from the canonical name, shaped like a
 * UUID (USER_UID_PATTERN; SHA-256 based, like an RFC 9562 name-based UUID, version nibble 8). An account
 * registered later with the same name gets a random uid, so it does not take over these images either.
 */
export function uidForUnauthenticated(userId: string): string {
  const h = createHash('sha256')
    .update(`nitro:auth-disabled:${canonicalUserId(userId)}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { webcrypto } from 'node:crypto';
import type { Redis } from 'ioredis';
import { GatewayEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { AUTH_KEYS } from './auth-keys.constants';
import { randomToken } from './token.util';

const MIN_SECRET_CHARS = 32;

/**
 * The HS256 key. From JWT_SECRET / JWT_SECRET_FILE when set (required in production). In
 * development a random key is created once in Redis (SET NX) so every gateway instance signs and
 * verifies with the same one; tokens then die with that Redis, which is fine for development.
 */
@Injectable()
export class JwtKeyProvider implements OnApplicationBootstrap {
  private key?: Promise<webcrypto.CryptoKey>;

  constructor(
    private readonly env: GatewayEnv,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    // Checked here rather than by a config validator: validators echo the bad value into the log.
    if (env.JWT_SECRET && env.JWT_SECRET.length < MIN_SECRET_CHARS) {
      throw new Error(`JWT_SECRET is too short: use at least ${MIN_SECRET_CHARS} random characters (e.g. \`openssl rand -base64 48\`)`);
    }
    if (!env.JWT_SECRET && env.NODE_ENV === 'production' && !env.AUTH_DISABLED) {
      throw new Error(
        'JWT_SECRET (or JWT_SECRET_FILE) is required when NODE_ENV=production: every gateway instance must sign tokens with the same key',
      );
    }
  }

  async onApplicationBootstrap() {
    // Warm up so the first sign-in does not pay for it; a failure here is retried on first use.
    await this.get().catch((err: Error) => getLogger().warn({ reason: err.message }, 'JWT key not loaded yet (Redis unreachable?)'));
  }

  /** Imported once: jose would otherwise import raw key bytes again on every sign and verify. */
  get(): Promise<webcrypto.CryptoKey> {
    this.key ??= this.load()
      .then((bytes) => webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']))
      .catch((err) => {
        this.key = undefined;
        throw err;
      });
    return this.key;
  }

  private async load(): Promise<Uint8Array> {
    if (this.env.JWT_SECRET) return new TextEncoder().encode(this.env.JWT_SECRET);
    // Only the error message is logged: a Redis error object would carry the command's arguments.
    await this.redis.set(AUTH_KEYS.jwtSecret, randomToken(48), 'NX').catch((err: Error) => {
      throw new Error(`cannot store the development JWT key in Redis: ${err.message}`);
    });
    const shared = await this.redis.get(AUTH_KEYS.jwtSecret);
    if (!shared) throw new Error('the development JWT key vanished from Redis');
    getLogger().warn(
      'JWT_SECRET is not set: using a random development key shared through Redis. Set JWT_SECRET (or JWT_SECRET_FILE) in production.',
    );
    return new TextEncoder().encode(shared);
  }
}

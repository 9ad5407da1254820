import type { InjectionToken, Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

/** Which bytes: a namespace per kind of payload, and how long (ms) an untaken claim lives. */
export interface ClaimCheckSpec {
  namespace: string;
  ttlMs: number;
}

/**
 * The claim-check pattern for bytes that travel beside a transport message (an upload, synthesized
 * audio): the bytes go into a short-lived Redis key, the message carries only the claim id, and
 * the reader takes them with GETDEL (read once, gone at once). Request/reply stream entries stay
 * in Redis until MAXLEN trims them, thousands of requests later, so large payloads never ride them.
 * `scope` (e.g. the owner's user id) is part of the key: a claim id is useless in another scope.
 * Key: `nitro:claim:<namespace>:<scope>:<id>`.
 */
export class ClaimCheck {
  constructor(
    private readonly redis: Redis,
    private readonly spec: ClaimCheckSpec,
  ) {}

  /** Parks `bytes`; returns the claim id (a UUID) to send instead. */
  async put(bytes: Buffer, scope = '-'): Promise<string> {
    const id = randomUUID();
    await this.redis.set(this.key(id, scope), bytes, 'PX', this.spec.ttlMs);
    return id;
  }

  /** The bytes, removed in the same command; null when unknown, taken already or expired. */
  take(id: string, scope = '-'): Promise<Buffer | null> {
    return this.redis.getdelBuffer(this.key(id, scope));
  }

  /** Frees a claim nobody will take (the request failed before the reader got it). */
  async drop(id: string, scope = '-'): Promise<void> {
    await this.redis.del(this.key(id, scope));
  }

  private key(id: string, scope: string): string {
    return `nitro:claim:${this.spec.namespace}:${scope}:${id}`;
  }
}

/** A ClaimCheck under `token`, on the Redis client injected by `redisToken` (a service's REDIS_CLIENT). */
export function claimCheckProvider(
  token: InjectionToken,
  redisToken: InjectionToken,
  spec: ClaimCheckSpec | ((...deps: any[]) => ClaimCheckSpec),
  inject: InjectionToken[] = [],
): Provider {
  return {
    provide: token,
    inject: [redisToken, ...inject],
    useFactory: (redis: Redis, ...deps: unknown[]) => new ClaimCheck(redis, typeof spec === 'function' ? spec(...deps) : spec),
  };
}

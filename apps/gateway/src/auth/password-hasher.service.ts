import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { GatewayEnv } from '@nitro/config';
import { Argon2Params, Argon2WorkerPool } from './argon2-worker.pool';
import { constantTimeEqual } from './token.util';

/** OWASP Password Storage Cheat Sheet, argon2id first choice: m=19 MiB, t=2, p=1. */
export const ARGON2_PARAMS: Argon2Params = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32 };

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/;

interface Parsed {
  params: Argon2Params;
  salt: Buffer;
  hash: Buffer;
}

/** Passwords as argon2id PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), verified in constant time. */
@Injectable()
export class PasswordHasher implements OnModuleDestroy {
  private readonly pool: Argon2WorkerPool;
  private dummy?: Promise<string>;

  constructor(env: GatewayEnv) {
    this.pool = new Argon2WorkerPool(env.PASSWORD_HASH_WORKERS);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const hash = await this.pool.hash(password, salt, ARGON2_PARAMS);
    return encode(ARGON2_PARAMS, salt, Buffer.from(hash));
  }

  async verify(password: string, phc: string): Promise<boolean> {
    const parsed = parse(phc);
    // argon2 refuses an empty password (an error, not false): nothing matches it.
    if (!parsed || password.length === 0) return false;
    const actual = await this.pool.hash(password, parsed.salt, { ...parsed.params, hashLength: parsed.hash.length });
    return constantTimeEqual(actual, parsed.hash);
  }

  /**
   * For an unknown username: do the same work as a real check so response time does not tell
   * whether the account exists.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('nitro-dummy-password');
    await this.verify(password, await this.dummy);
    return false;
  }

  /** True when the stored hash used other parameters than today's (it is upgraded at the next sign-in). */
  needsRehash(phc: string): boolean {
    const p = parse(phc)?.params;
    return (
      !p ||
      p.memorySize !== ARGON2_PARAMS.memorySize ||
      p.iterations !== ARGON2_PARAMS.iterations ||
      p.parallelism !== ARGON2_PARAMS.parallelism
    );
  }

  onModuleDestroy() {
    return this.pool.close();
  }
}

function b64(buf: Buffer): string {
  return buf.toString('base64').replace(/=+$/, '');
}

export function encode(p: Argon2Params, salt: Buffer, hash: Buffer): string {
  return `$argon2id$v=19$m=${p.memorySize},t=${p.iterations},p=${p.parallelism}$${b64(salt)}$${b64(hash)}`;
}

/** Refuses parameters outside sane bounds, so a corrupted record cannot make a sign-in allocate gigabytes. */
export function parse(phc: string): Parsed | null {
  const m = PHC.exec(phc ?? '');
  if (!m) return null;
  const [memorySize, iterations, parallelism] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (memorySize < 8 * parallelism || memorySize > 262_144 || iterations < 1 || iterations > 10 || parallelism < 1 || parallelism > 16)
    return null;
  const salt = Buffer.from(m[4], 'base64');
  const hash = Buffer.from(m[5], 'base64');
  return { params: { memorySize, iterations, parallelism, hashLength: hash.length }, salt, hash };
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits from the OS CSPRNG, URL-safe: refresh tokens, API keys, family and key ids. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** API keys and refresh tokens are high-entropy, so one SHA-256 is enough to store them (no salt, no stretching). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two byte strings of possibly different lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    // Still spend a comparison so timing does not reveal the length mismatch early.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Usernames are case-insensitive for uniqueness and login; the id keeps the case it was registered with. */
export function userKey(id: string): string {
  return id.toLowerCase();
}

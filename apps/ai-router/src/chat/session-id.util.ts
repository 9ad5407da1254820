import { randomBytes } from 'node:crypto';

/** Short random ids for new conversations: 12 URL-safe characters, valid under ID_PATTERN. */
export function newSessionId(): string {
  return randomBytes(9).toString('base64url');
}

/** user_id and session_id: letters, digits, '-', '_', 1-64 characters (safe in Redis keys and paths). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ID_MESSAGE = 'must be 1-64 characters: letters, digits, "-" or "_"';

/**
 * The one spelling of a user id that data is keyed by: sign-up and sign-in fold case ("Alice" and
 * "alice" are one account), so every user_id in a path, query or body is folded the same way, once,
 * at the gateway's edge. ID_PATTERN is ASCII, so lower-casing is the whole fold.
 */
export function canonicalUserId(id: string): string {
  return id.toLowerCase();
}

/**
 * An account's internal id (`uid`): a random UUID (RFC 9562 version 4, lower-case hex) made once at sign-up and never
 * changed or reused. Data that must not pass to a later account with the same username (the gallery: S3 objects and
 * their Redis index) is keyed by it, so an account created after Redis lost its data gets a new uid and none of the
 * old objects. Never part of the public API: paths and bodies keep the username (`user_id`); the gateway maps one to
 * the other at its edge (`UserUids`, apps/gateway/src/users/).
 */
export const USER_UID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUserUid(value: unknown): value is string {
  return typeof value === 'string' && USER_UID_PATTERN.test(value);
}

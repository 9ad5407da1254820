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

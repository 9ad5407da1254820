/** user_id and session_id: letters, digits, '-', '_', 1-64 characters (safe in Redis keys and paths). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ID_MESSAGE = 'must be 1-64 characters: letters, digits, "-" or "_"';

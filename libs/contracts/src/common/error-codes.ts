/**
 * Every error code an answer can carry: `error` in the gateway's JSON errors
 * (`{ statusCode, error, message, trace_id }`), `code` in services' RPC errors and in SSE `error`
 * events. One catalogue, so a code means one thing everywhere; Swagger lists it (the gateway's
 * bootstrap/swagger.ts) and a spec fails when code uses a string that is not here.
 */
export const ERROR_CATALOGUE = {
  // --- the request ---
  VALIDATION_FAILED: 'A field is missing or invalid; the message names it.',
  BAD_REQUEST: 'The request cannot be understood as sent.',
  URI_TOO_LONG: 'A path segment is longer than the router accepts (414).',
  REQUEST_TIMEOUT: 'The request (or its body) did not arrive within the time allowed (408).',
  BAD_CONTENT_TYPE: 'Content-Type is not what the route takes (JSON, or multipart on upload routes).',
  MALFORMED_JSON: 'The body is not valid JSON.',
  MALFORMED_MULTIPART: 'The upload body is not valid multipart/form-data.',
  EMPTY_BODY: 'The body is empty.',
  BODY_TOO_COMPLEX: 'The JSON body nests too deep or has too many keys.',
  PAYLOAD_TOO_LARGE: 'The body or file is larger than the route accepts.',
  UNSUPPORTED_MEDIA_TYPE: 'The uploaded file type is not one the route takes.',
  TEXT_TOO_LONG: 'A text field is longer than its limit.',
  CONTEXT_TOO_LONG:
    "The prompt (system prompt + message) does not fit the model's context with room for an answer; the message says how many tokens over.",
  EMPTY_AUDIO: 'The audio upload has no bytes.',
  INVALID_AUDIO: 'The audio cannot be decoded.',
  AUDIO_TOO_LONG: 'The audio is longer than the limit.',
  NO_SPEECH: 'No speech was recognised in the audio.',
  UNKNOWN_VOICE: 'The voice name is not one of GET /voice/voices.',
  UNKNOWN_TASK: 'The agent task is not one of GET /agent/list.',
  UNREADABLE_FILE: 'The file cannot be read as its type.',
  PDF_ENCRYPTED: 'The PDF is encrypted.',
  UPLOAD_EXPIRED: 'The upload expired before the service took it.',
  TASK_LIMIT: 'The user has as many scheduled tasks as allowed.',
  CURRENT_PASSWORD_WRONG:
    'POST /auth/password: current_password is not the account\'s password (400, details.param "current_password"; the session stays valid, the failure counts toward the sign-in throttle).',
  // --- who is asking ---
  UNAUTHENTICATED: 'No valid access token or API key.',
  INVALID_CREDENTIALS: 'Wrong username or password.',
  INVALID_REFRESH_TOKEN: 'The refresh token is unknown, expired or revoked.',
  REFRESH_TOKEN_REUSED: 'A refresh token was used twice: its session is revoked.',
  SESSION_REQUIRED: 'The route needs a signed-in session (not an API key).',
  ACCOUNT_DISABLED: 'The account is disabled by an admin.',
  FORBIDDEN: "The caller may not act on this (another user's id, or an admin route).",
  CANNOT_DISABLE_SELF: 'An admin cannot disable their own account.',
  USERNAME_TAKEN: 'The username is already registered.',
  REGISTRATION_CLOSED: 'Sign-up is closed on this server.',
  ADMIN_BOOTSTRAP_REQUIRED:
    'The first account (the admin) needs bootstrap_token = ADMIN_BOOTSTRAP_TOKEN, or a sign-up from the server itself (loopback).',
  TOO_MANY_KEYS: 'The user has as many API keys as allowed.',
  TOO_MANY_LOGIN_ATTEMPTS: 'Too many failed sign-ins; wait (Retry-After).',
  CORS_ORIGIN_NOT_ALLOWED: 'The browser origin is not in CORS_ORIGINS.',
  RATE_LIMITED: 'Over the budget for this kind of request; wait (Retry-After).',
  NOT_FOUND: 'No such resource, or not yours (existence is not confirmed).',
  MODEL_NOT_FOUND: 'The model id is not in the registry (GET /models); the message lists those that exist.',
  MODEL_UNAVAILABLE: 'The model exists but its provider cannot serve now; the message gives the reason.',
  MODEL_IN_USE: 'The model file is in use: generating an answer right now (try again when idle), or configured as LOCAL_MODEL_PATH.',
  MODEL_EXISTS:
    'A model file of that name is installed (send "replace": true to replace it) or another pull from a different source is writing it.',
  MODEL_PULL_FAILED: 'A model download was refused or failed; `failure` says why (not_gguf, too_large, digest_mismatch, not_found…).',
  TOOLS_NOT_SUPPORTED: 'Tool calls were sent to a model whose provider does not take them.',
  IMAGES_NOT_SUPPORTED:
    'An image was sent, but none of this server\'s chat models can read images (an Ollama model with "vision", or Gemini); describe it in words, or attach text or a PDF.',
  // --- the platform ---
  NO_PROVIDER_AVAILABLE: 'No provider could serve; the message lists those tried and what to configure.',
  PROVIDER_FAILED: 'The provider failed; for a stream, what was sent is stored marked "failed".',
  PROVIDER_NOT_CONFIGURED: 'The provider asked for is not configured on this server.',
  PROVIDER_REJECTED: 'The provider refused the request (e.g. its content policy).',
  ENGINE_MISSING: 'A speech engine is not installed on the server.',
  ENGINE_FAILED: 'A speech engine failed.',
  MEMORY_UNAVAILABLE: 'Conversation memory (Redis) is unavailable.',
  REDIS_UNAVAILABLE: 'Redis is unavailable.',
  AUTH_UNAVAILABLE: 'Authentication storage is unavailable.',
  STORAGE_UNAVAILABLE: 'Object storage (S3) is unavailable.',
  WORKSPACE_UNAVAILABLE: 'The agents workspace cannot be read.',
  QUEUE_FULL: 'The image queue is full; try again later (Retry-After).',
  BUSY: 'The service is at its limit of concurrent work; try again.',
  HASH_TIMEOUT: 'Password hashing took too long.',
  HASH_WORKER_EXITED: 'The password hashing worker stopped.',
  TIMEOUT: 'An outside service did not answer in time.',
  TRANSPORT_TIMEOUT: 'A service did not answer in time (504).',
  SERVICE_UNAVAILABLE: 'No live replica of a service (503).',
  REPLICA_LOST: 'The replica serving the request stopped mid-way; nothing was stored (502).',
  BAD_GATEWAY: 'A service answered something unexpected.',
  INCOMPLETE_ANSWER: 'The answer ended without a result.',
  EMPTY_STREAM: 'A stream ended without any event.',
  AUDIO_EXPIRED: 'Synthesized audio expired before it could be sent.',
  CLIENT_CLOSED: 'The client closed the request (only in logs: nobody reads it).',
  CANCELLED: 'The work was cancelled: its caller went away.',
  SHUTTING_DOWN: 'The replica is shutting down; try again.',
  STREAM_ALREADY_STARTED: 'A chat stream was asked to start twice.',
  NOT_READY: 'A dependency is not ready (health).',
  INTERNAL: 'An unexpected error on our side (logged with the trace id).',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** `ERROR_CODE.NOT_FOUND === 'NOT_FOUND'`: use these instead of string literals. */
export const ERROR_CODE = Object.fromEntries(Object.keys(ERROR_CATALOGUE).map((k) => [k, k])) as { readonly [K in ErrorCode]: K };

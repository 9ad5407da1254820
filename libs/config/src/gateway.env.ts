import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { CommonEnv } from './common.env';
import { DEFAULT_OPENAI_VOICE_MAP, VoiceMap } from './voice-map';

/**
 * The gateway's variables. Engineers adding a capability append their variables here
 * (grouped, with a comment), never rename existing ones: deploy manifests are checked against this list.
 */
export class GatewayEnv extends CommonEnv {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8000;

  @IsString()
  HOST: string = '0.0.0.0';

  /**
   * Which proxies may name the client in X-Forwarded-For (client IPs for rate limits, sign-in throttling, logs):
   * false = none (the gateway is reached directly, as with scripts/start.sh); a hop count (1 = the one nginx of
   * docker compose / the Ingress, what they ship); or comma-separated proxy addresses/CIDRs (10.0.0.0/8,
   * loopback, uniquelocal). `true` means 1 hop. See docs/security.md.
   */
  @IsString()
  @Matches(/^[A-Za-z0-9.:/, ]{1,1000}$/, { message: 'TRUST_PROXY must be false, a hop count (1), or comma-separated addresses/CIDRs' })
  TRUST_PROXY: string = 'false';

  /** Longest accepted chat message, in characters. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CHAT_MAX_MESSAGE_CHARS: number = 32_000;

  /** Default JSON body limit (bytes); upload routes set their own. */
  @IsInt()
  @Min(1024)
  JSON_BODY_LIMIT: number = 256 * 1024;

  /** Folder with the built PWA; a placeholder page is served when it is missing. */
  @IsString()
  WEB_ROOT: string = 'dist/apps/web';

  /**
   * Time a client has to send its request headers, ms (slow-header attacks); 408 after it. Behind nginx
   * the proxy buffers headers, so this only bites clients that reach the gateway directly.
   */
  @IsInt()
  @Min(100)
  @Max(600_000)
  HEADERS_TIMEOUT_MS: number = 10_000;

  /**
   * Time a client has to send its whole request, body included, ms; a body that stops arriving gets a
   * 408 and the connection is closed (before any authentication). Long enough for the largest upload
   * (UPLOAD_MAX_BYTES) on a slow link; the answer's own time is not counted.
   */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  REQUEST_TIMEOUT_MS: number = 60_000;

  /** Timeout for a whole non-streamed call to a service, ms. */
  @IsInt()
  @Min(100)
  SERVICE_CALL_TIMEOUT_MS: number = 60_000;

  // --- auth ---
  /** Single-user mode for a trusted local machine: no login, every request acts as admin. Never expose such an instance. */
  @IsBoolean()
  AUTH_DISABLED: boolean = false;

  /**
   * HS256 key for access tokens (>= 32 chars; or JWT_SECRET_FILE). Required in production; in development a random one
   * is generated and shared through Redis. Its length is checked by the gateway at start: a validator here would echo the value.
   */
  @IsString()
  JWT_SECRET: string = '';

  /**
   * Secret the first sign-up (which becomes the admin) must send as `bootstrap_token` (or ADMIN_BOOTSTRAP_TOKEN_FILE).
   * Empty: the first account can only be registered from the gateway's own machine (loopback). Either way a
   * stranger cannot become admin of an empty server (a new one, or one whose Redis lost its data).
   */
  @IsString()
  ADMIN_BOOTSTRAP_TOKEN: string = '';

  /** Lifetime of an access token (JWT), seconds. */
  @IsInt()
  @Min(10)
  @Max(86_400)
  ACCESS_TOKEN_TTL_S: number = 900;

  /** Idle lifetime of a refresh token family, seconds (each rotation starts it again). */
  @IsInt()
  @Min(60)
  @Max(365 * 86_400)
  REFRESH_TOKEN_TTL_S: number = 30 * 86_400;

  /**
   * A refresh token presented again within this many seconds of its rotation gets the same new token back instead of
   * revoking the session (two browser tabs refreshing at once). Later reuse still revokes. 0 = strict.
   */
  @IsInt()
  @Min(0)
  @Max(60)
  REFRESH_REUSE_GRACE_S: number = 10;

  /** false closes POST /auth/register (except for the very first user, who becomes admin); the admin can also close it at runtime. */
  @IsBoolean()
  REGISTRATION_OPEN: boolean = true;

  /** false makes GET /metrics require an admin token or API key. */
  @IsBoolean()
  METRICS_PUBLIC: boolean = true;

  /** Worker threads hashing passwords (argon2id, ~19 MiB and ~0.1-0.5 s each) so the event loop never blocks. */
  @IsInt()
  @Min(1)
  @Max(16)
  PASSWORD_HASH_WORKERS: number = 1;

  @IsInt()
  @Min(1)
  @Max(1000)
  API_KEYS_MAX_PER_USER: number = 20;

  /**
   * Failed sign-ins to one account from one client address before that address must wait: 1 s, then 2 s,
   * 4 s … up to LOGIN_LOCKOUT_S. Other addresses (the owner) are not affected: no attacker-made lockout.
   */
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_ACCOUNT: number = 5;

  /** Failed sign-ins from one client address across accounts within LOGIN_LOCKOUT_S before 429 (password spraying). */
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_IP: number = 20;

  /** Window of the failure counters and the longest delay, seconds. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_LOCKOUT_S: number = 900;

  /**
   * Failed sign-ins to one account from all addresses within LOGIN_LOCKOUT_S after which addresses it never
   * signed in from share one attempt per LOGIN_ACCOUNT_SLOWDOWN_MS (a distributed guesser is slowed, not the owner).
   */
  @IsInt()
  @Min(1)
  LOGIN_ACCOUNT_SLOWDOWN_AFTER: number = 50;

  /** Interval between sign-in attempts to an account under guessing, from addresses it never signed in from, ms. */
  @IsInt()
  @Min(10)
  @Max(600_000)
  LOGIN_ACCOUNT_SLOWDOWN_MS: number = 2_000;

  // --- voice ---
  /** Largest audio upload for /voice/transcribe and /voice/chat, bytes (checked while streaming: 413). */
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  VOICE_MAX_UPLOAD_BYTES: number = 25 * 1024 * 1024;

  /** Longest text for POST /voice/speak, characters (the voice service checks MAX_TTS_CHARS too). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  VOICE_MAX_TTS_CHARS: number = 5000;

  /**
   * OpenAI's voice names on POST /v1/audio/speech as our voices: comma-separated `openai=ours` pairs,
   * ours as GET /voice/voices names them (flite:slt, espeak:en-gb). Names left out speak with the voice
   * service's TTS_DEFAULT_VOICE. The default spreads alloy, echo, fable, onyx, nova, shimmer (and ash,
   * ballad, coral, sage, verse, marin, cedar) over flite's and espeak-ng's English voices.
   */
  @VoiceMap()
  OPENAI_VOICE_MAP: string = DEFAULT_OPENAI_VOICE_MAP;

  // --- agents ---
  /** Largest upload for POST /agent/file-analyze, bytes (checked while streaming: 413); the agents service checks MAX_FILE_BYTES too. */
  @IsInt()
  @Min(1)
  @Max(1024 * 1024 * 1024)
  AGENTS_MAX_UPLOAD_BYTES: number = 10 * 1024 * 1024;

  /** An upload waits this long in Redis for the agents service to take it, seconds. */
  @IsInt()
  @Min(10)
  @Max(3600)
  AGENTS_UPLOAD_TTL_S: number = 300;

  // --- chat attachments (POST /chat/attachments) ---
  /** Largest file for POST /chat/attachments, bytes (checked while streaming: 413). */
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  CHAT_ATTACHMENT_MAX_BYTES: number = 10 * 1024 * 1024;

  /** Most text one attachment may hold after extraction, characters (code points; more is a 400 naming `file`). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CHAT_ATTACHMENT_MAX_CHARS: number = 60_000;

  /** Most attached text on one message, all its attachments together, characters (more is a 400 naming `attachments`). */
  @IsInt()
  @Min(1)
  @Max(4_000_000)
  CHAT_ATTACHMENTS_MAX_CHARS: number = 120_000;

  /**
   * Largest image for POST /chat/attachments, bytes (PNG, JPEG, WebP, GIF; more is a 400 naming `file`). Kept in Redis
   * as base64 for CHAT_ATTACHMENT_TTL_S and sent to the model with the message; also bounded by CHAT_ATTACHMENT_MAX_BYTES.
   */
  @IsInt()
  @Min(1024)
  @Max(32 * 1024 * 1024)
  CHAT_ATTACHMENT_MAX_IMAGE_BYTES: number = 5 * 1024 * 1024;

  /** An uploaded attachment can be sent with messages this long after upload, seconds (then attach it again). */
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  CHAT_ATTACHMENT_TTL_S: number = 24 * 3600;

  // --- security ---
  /** Browser origins allowed to call the API cross-origin, comma-separated (e.g. https://app.example.com). Empty: same origin only. */
  @Matches(/^(https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)?(,https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)*$/, {
    message: 'CORS_ORIGINS must be comma-separated origins such as https://app.example.com (no paths, no "*")',
  })
  CORS_ORIGINS: string = '';

  /** Rate limits (shared by every gateway instance through Redis): requests per window, per user; 0 = unlimited. */
  @IsBoolean()
  RATE_LIMIT_ENABLED: boolean = true;

  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_S: number = 60;

  @IsInt()
  @Min(0)
  RATE_LIMIT_CHAT: number = 30;

  @IsInt()
  @Min(0)
  RATE_LIMIT_IMAGE: number = 10;

  @IsInt()
  @Min(0)
  RATE_LIMIT_VOICE: number = 20;

  @IsInt()
  @Min(0)
  RATE_LIMIT_SEARCH: number = 20;

  @IsInt()
  @Min(0)
  RATE_LIMIT_AGENTS: number = 30;

  /** POST /auth/register, /auth/login, /auth/refresh: per client IP. */
  @IsInt()
  @Min(0)
  RATE_LIMIT_AUTH: number = 20;

  /** Reads (GET) and every other route. */
  @IsInt()
  @Min(0)
  RATE_LIMIT_DEFAULT: number = 300;

  /** A client IP may spend this many users' budgets (several people behind one NAT). */
  @IsInt()
  @Min(1)
  @Max(1000)
  RATE_LIMIT_IP_MULTIPLIER: number = 4;

  /** JSON body limits per route class, bytes (413 beyond); other routes use JSON_BODY_LIMIT. */
  @IsInt()
  @Min(1024)
  BODY_LIMIT_AUTH: number = 16 * 1024;

  @IsInt()
  @Min(1024)
  BODY_LIMIT_CHAT: number = 256 * 1024;

  @IsInt()
  @Min(1024)
  BODY_LIMIT_IMAGE: number = 64 * 1024;

  @IsInt()
  @Min(1024)
  BODY_LIMIT_VOICE: number = 64 * 1024;

  @IsInt()
  @Min(1024)
  BODY_LIMIT_SEARCH: number = 16 * 1024;

  @IsInt()
  @Min(1024)
  BODY_LIMIT_AGENTS: number = 1024 * 1024;

  /** Largest multipart request on upload routes without their own limit (images), bytes; checked on Content-Length before reading. */
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  UPLOAD_MAX_BYTES: number = 20 * 1024 * 1024;

  // --- media (images and gallery; the S3 variables are the media service's, see media.env.ts) ---
  /** S3-compatible endpoint the gallery lives in (downloads stream from it); empty = AWS S3. */
  @Matches(/^(https?:\/\/\S+)?$/, { message: 'must be an http(s) URL or empty (AWS)' })
  S3_ENDPOINT: string = 'http://127.0.0.1:9000';

  @Matches(/^[a-z0-9-]{2,32}$/, { message: 'must be a region name such as us-east-1' })
  S3_REGION: string = 'us-east-1';

  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a bucket name: 3-63 lower-case letters, digits, dots or dashes' })
  S3_BUCKET: string = 'nitro-gallery';

  @IsString()
  S3_ACCESS_KEY_ID: string = 'S3RVER';

  @IsString()
  S3_SECRET_ACCESS_KEY: string = 'S3RVER';

  /** Timeout of one S3 request (a download: the longest pause between chunks), ms. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  S3_TIMEOUT_MS: number = 15_000;

  /** POST /generate-image?wait=true waits at most this long for the picture, then answers 202, ms. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  IMAGE_WAIT_MS: number = 30_000;

  /** Back-pressure: with more image jobs than this waiting for a worker, POST /generate-image answers 429. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  IMAGE_MAX_WAITING_JOBS: number = 100;

  /** Retry-After sent with that 429, seconds. */
  @IsInt()
  @Min(1)
  @Max(3600)
  IMAGE_RETRY_AFTER_S: number = 10;

  /**
   * Per-hop timings in a `Server-Timing` response header (auth, rate limit, transport round trip, ai-router queue wait,
   * provider, memory read/write): off; admin (only on admins' responses); all (every response: for benchmarks, not for
   * the internet, as it tells callers how the backend spends its time).
   */
  @IsIn(['off', 'admin', 'all'])
  SERVER_TIMING: 'off' | 'admin' | 'all' = 'off';
}

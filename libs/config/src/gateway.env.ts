import { IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';
import { CommonEnv } from './common.env';

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

  /** Trust X-Forwarded-For from the load balancer (for client IPs in rate limits and logs). */
  @IsBoolean()
  TRUST_PROXY: boolean = false;

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

  /** Timeout for a whole non-streamed call to a service, ms. */
  @IsInt()
  @Min(100)
  SERVICE_CALL_TIMEOUT_MS: number = 60_000;

  // --- auth ---
  /** Single-user mode for a trusted local machine: no login, every request acts as admin. Never expose such an instance. */
  @IsBoolean()
  AUTH_DISABLED: boolean = false;

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
}

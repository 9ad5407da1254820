import { IsBoolean, IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { CommaList } from './comma-list';
import { ServiceEnv } from './common.env';

const CHAT_PROVIDER_NAMES = ['ollama', 'local', 'gemini'] as const;

/**
 * ai-router's variables: chat providers, routing, circuit breakers and conversation memory.
 * Defaults give local-first chat on a fresh machine with no keys (see docs/adr/0002-chat-provider-routing.md).
 */
export class AiRouterEnv extends ServiceEnv {
  /** Port for /health and /metrics (Prometheus scrapes ai-router:8101). */
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 8101;

  // --- routing ---
  /** Providers in the order they are tried, comma-separated. */
  @CommaList(CHAT_PROVIDER_NAMES)
  AI_PROVIDERS: (typeof CHAT_PROVIDER_NAMES)[number][] = ['ollama', 'local', 'gemini'];

  /** Default per-attempt timeout (ms) for gemini and local: whole answer, or the longest gap between streamed tokens. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  PROVIDER_TIMEOUT_MS: number = 30_000;

  /** Consecutive failures that open a provider's circuit (it is then skipped). */
  @IsInt()
  @Min(1)
  @Max(1000)
  CIRCUIT_FAILURES: number = 3;

  /** How long an open circuit skips its provider before one probe request is let through (ms). */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  CIRCUIT_COOLDOWN_MS: number = 30_000;

  // --- ollama ---
  @Matches(/^https?:\/\/.+/, { message: 'must be an http:// or https:// URL' })
  OLLAMA_HOST: string = 'http://127.0.0.1:11434';

  @IsString()
  @Matches(/^\S{1,128}$/, { message: 'must be a model name without spaces' })
  OLLAMA_MODEL: string = 'phi3';

  @IsInt()
  @Min(100)
  @Max(600_000)
  OLLAMA_TIMEOUT_MS: number = 30_000;

  // --- gemini ---
  /** Without a key the gemini provider is "not configured" and skipped. */
  @IsString()
  GEMINI_API_KEY: string = '';

  @IsString()
  @Matches(/^[\w.-]{1,128}$/, { message: 'must be a model name such as gemini-1.5-flash' })
  GEMINI_MODEL: string = 'gemini-1.5-flash';

  /** Another endpoint for the Gemini REST API (a proxy, or a local server in tests). */
  @ValidateIf((env: AiRouterEnv) => env.GEMINI_BASE_URL !== '')
  @Matches(/^https?:\/\/.+/, { message: 'must be an http:// or https:// URL' })
  GEMINI_BASE_URL: string = '';

  /** Gemini model for POST /v1/embeddings (listed in the model registry as gemini/<name>). */
  @IsString()
  @Matches(/^[\w.-]{1,128}$/, { message: 'must be a model name such as text-embedding-004' })
  GEMINI_EMBEDDING_MODEL: string = 'text-embedding-004';

  // --- model registry ---
  /** How often (ms) the model registry asks every provider for its models (GET /models; ?refresh=true asks at once). */
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  MODELS_REFRESH_MS: number = 60_000;

  // --- local (node-llama-cpp) ---
  /** A .gguf file used when a request names no model; when empty, the first .gguf in MODELS_DIR (by name) is used. */
  @IsString()
  LOCAL_MODEL_PATH: string = '';

  /** Folder of the local .gguf models (each served as local/<file name>; pulls land here). Empty = <repo>/models (/app/models in images). */
  @IsString()
  MODELS_DIR: string = '';

  /** A loaded local model unused for this long (ms) is unloaded (it loads again on its next use). 0 = never unload. */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  LOCAL_MODEL_IDLE_UNLOAD_MS: number = 600_000;

  /** Tokens of context per request (prompt + answer). */
  @IsInt()
  @Min(128)
  @Max(131_072)
  LOCAL_CONTEXT_SIZE: number = 2048;

  /** llama.cpp threads. Keep it low on small machines: idle workers spin and slow everything. */
  @IsInt()
  @Min(1)
  @Max(256)
  LOCAL_THREADS: number = 1;

  // --- model provisioning (apps/ai-router/src/models/provisioning; docs/deploy.md "Chat models") ---
  /** Download the default chat model when no .gguf is present (scripts/start.sh, compose models-init, the Kubernetes init container). 0 turns it off. */
  @IsBoolean()
  NITRO_DOWNLOAD_MODEL: boolean = true;

  /** Another place to fetch the default model from (a mirror, an air-gapped file server); empty = the pinned Hugging Face URL. The file is checked against NITRO_DEFAULT_MODEL_SHA256, else the pinned digest (right for a mirror of the same file). */
  @ValidateIf((env: AiRouterEnv) => env.NITRO_DEFAULT_MODEL_URL !== '')
  @Matches(/^https?:\/\/\S+\.gguf(\?\S*)?$/i, { message: 'must be an http:// or https:// URL of a .gguf file' })
  NITRO_DEFAULT_MODEL_URL: string = '';

  /** sha256 (64 hex digits) the downloaded file must have; empty = the pinned digest. A file that does not match is deleted, never used. */
  @ValidateIf((env: AiRouterEnv) => env.NITRO_DEFAULT_MODEL_SHA256 !== '')
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'must be a sha256 digest: 64 hexadecimal digits' })
  NITRO_DEFAULT_MODEL_SHA256: string = '';

  /** How long (ms) the model host may take to answer before the download is given up (offline machines start without waiting longer). */
  @IsInt()
  @Min(500)
  @Max(300_000)
  MODEL_DOWNLOAD_ANSWER_TIMEOUT_MS: number = 15_000;

  /** A download that receives no bytes for this long (ms) is stopped; the partial file stays and the next start resumes it. */
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  MODEL_DOWNLOAD_STALL_TIMEOUT_MS: number = 60_000;

  /** POST /admin/models/pull refuses files larger than this (bytes): the declared size before downloading, the bytes received while downloading. */
  @IsInt()
  @Min(1)
  @Max(1_099_511_627_776)
  MODEL_PULL_MAX_BYTES: number = 8_589_934_592;

  /** Where hf:<user>/<repo>/<file> URIs are fetched from (<MODEL_HF_ENDPOINT>/<user>/<repo>/resolve/<revision>/<file>): a mirror, or a local server in tests. Not HF_ENDPOINT: node-llama-cpp reads that one itself and then treats every URL of its host as hf:. */
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  MODEL_HF_ENDPOINT: string = 'https://huggingface.co';

  // --- memory ---
  /** Messages kept per conversation (oldest dropped first). */
  @IsInt()
  @Min(2)
  @Max(100_000)
  CHAT_MAX_STORED: number = 200;

  /** Most recent stored messages sent to the model as context. */
  @IsInt()
  @Min(0)
  @Max(1000)
  CHAT_CONTEXT_MESSAGES: number = 20;

  /** Character budget for that context (history only; the new message is always sent whole). */
  @IsInt()
  @Min(0)
  @Max(2_000_000)
  CHAT_CONTEXT_CHARS: number = 12_000;

  /** A conversation untouched for this many days is deleted by Redis (TTL refreshed on each write). */
  @IsInt()
  @Min(1)
  @Max(3650)
  CHAT_TTL_DAYS: number = 30;

  // --- stream lifecycle (docs/adr/0006-chat-stream-lifecycle.md) ---
  /** A tracked stream whose client left keeps generating this long (ms) with no reader attached, then stops and is stored "incomplete". */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  CHAT_STREAM_GRACE_MS: number = 30_000;

  /** How long (s) a finished stream's events stay readable for resume (GET /chat/streams/{id}) and Idempotency-Key retries. */
  @IsInt()
  @Min(10)
  @Max(86_400)
  CHAT_STREAM_TTL_S: number = 600;
}

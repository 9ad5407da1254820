import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { CommaList } from './comma-list';
import { ServiceEnv } from './common.env';

const IMAGE_PROVIDER_NAMES = ['automatic1111', 'openai', 'stability', 'huggingface', 'procedural'] as const;
const URL_OR_EMPTY = /^(https?:\/\/\S+)?$/;
const URL = /^https?:\/\/\S+$/;
/** S3 bucket naming rules (lower case, digits, dots and dashes, 3-63 characters). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The media service's variables: image providers (tried in IMAGE_PROVIDERS order, unconfigured ones
 * skipped), the BullMQ worker and the S3 gallery. Defaults work offline: the procedural generator
 * and a local S3-compatible server (s3rver, its default S3RVER credentials). See
 * docs/adr/0003-image-jobs-and-gallery.md.
 */
export class MediaEnv extends ServiceEnv {
  /** Port for /health and /metrics (Prometheus scrapes media:8102). */
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 8102;

  // --- S3 gallery (the gateway reads the same five variables) ---
  /** S3-compatible endpoint (MinIO, s3rver); empty = AWS S3 itself. */
  @Matches(URL_OR_EMPTY, { message: 'must be an http(s) URL or empty (AWS)' })
  S3_ENDPOINT: string = 'http://127.0.0.1:9000';

  @Matches(/^[a-z0-9-]{2,32}$/, { message: 'must be a region name such as us-east-1' })
  S3_REGION: string = 'us-east-1';

  /** Created at start when missing. */
  @Matches(BUCKET, { message: 'must be a bucket name: 3-63 lower-case letters, digits, dots or dashes' })
  S3_BUCKET: string = 'nitro-gallery';

  @IsString()
  S3_ACCESS_KEY_ID: string = 'S3RVER';

  @IsString()
  S3_SECRET_ACCESS_KEY: string = 'S3RVER';

  /** Data folder of the local S3 server the dev launcher (dist/apps/media/src/dev/s3rver.main.js) starts; unused otherwise. */
  @IsString()
  S3RVER_DIR: string = '.data/s3';

  /** Timeout of one S3 request, ms. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  S3_TIMEOUT_MS: number = 15_000;

  // --- providers ---
  /** Providers in the order they are tried; unconfigured ones are skipped. Keep procedural last: it is the offline fallback. */
  @CommaList(IMAGE_PROVIDER_NAMES)
  IMAGE_PROVIDERS: (typeof IMAGE_PROVIDER_NAMES)[number][] = ['automatic1111', 'openai', 'stability', 'huggingface', 'procedural'];

  /** AUTOMATIC1111 / Forge web UI started with --api, e.g. http://127.0.0.1:7860; empty = not used. */
  @Matches(URL_OR_EMPTY, { message: 'must be an http(s) URL or empty' })
  A1111_URL: string = '';

  /** "user:password" when the web UI runs with --api-auth. */
  @IsString()
  A1111_AUTH: string = '';

  @IsInt()
  @Min(1)
  @Max(150)
  A1111_STEPS: number = 20;

  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  A1111_TIMEOUT_MS: number = 300_000;

  /** How often to ask /sdapi/v1/progress while a picture is drawn, ms. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  A1111_PROGRESS_POLL_MS: number = 1000;

  /** An OpenAI-compatible API base (https://api.openai.com/v1, LocalAI's http://host:8080/v1); empty = not used. */
  @Matches(URL_OR_EMPTY, { message: 'must be an http(s) URL or empty' })
  OPENAI_IMAGES_BASE_URL: string = '';

  @IsString()
  OPENAI_IMAGES_API_KEY: string = '';

  @Matches(/^[\w.:/-]{1,128}$/, { message: 'must be a model name such as dall-e-2 or stablediffusion' })
  OPENAI_IMAGES_MODEL: string = 'dall-e-2';

  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  OPENAI_IMAGES_TIMEOUT_MS: number = 120_000;

  /** Stability AI REST key; empty = not used. */
  @IsString()
  STABILITY_API_KEY: string = '';

  @Matches(URL, { message: 'must be an http(s) URL' })
  STABILITY_BASE_URL: string = 'https://api.stability.ai';

  /** Stable Image service: POST /v2beta/stable-image/generate/<this>. */
  @IsIn(['core', 'ultra', 'sd3'], { message: 'must be core, ultra or sd3' })
  STABILITY_MODEL: string = 'core';

  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  STABILITY_TIMEOUT_MS: number = 120_000;

  /** Hugging Face access token; empty = not used. */
  @IsString()
  HF_API_TOKEN: string = '';

  /** Inference endpoint base; the model id is appended. */
  @Matches(URL, { message: 'must be an http(s) URL' })
  HF_BASE_URL: string = 'https://router.huggingface.co/hf-inference/models';

  @Matches(/^[\w.-]+\/[\w.-]+$/, { message: 'must be a model id such as black-forest-labs/FLUX.1-schnell' })
  HF_MODEL: string = 'black-forest-labs/FLUX.1-schnell';

  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HF_TIMEOUT_MS: number = 120_000;

  /** Test and demo only: the procedural generator waits this long per image, ms. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  PROCEDURAL_DELAY_MS: number = 0;

  /** After a 429 without Retry-After, skip that provider for this long, ms. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  RATE_LIMIT_BACKOFF_MS: number = 30_000;

  // --- jobs (BullMQ) ---
  /** Image jobs one replica runs at once (2 cores: keep it small; CPU work is sharp and the procedural renderer). */
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY: number = 2;

  /** Attempts per job (first run included) before it fails for good; at most 10. */
  @IsInt()
  @Min(1)
  @Max(10)
  JOB_ATTEMPTS: number = 3;

  /** First retry delay, doubled on each further attempt (a longer Retry-After wins), ms. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  JOB_BACKOFF_MS: number = 2_000;

  /** A worker holds a job's lock this long between renewals; a dead worker's job is taken back after about this, ms. */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  JOB_LOCK_MS: number = 30_000;

  /** How often workers look for jobs whose lock expired (a crashed worker), ms. */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  JOB_STALLED_CHECK_MS: number = 15_000;

  /** How many times one job may be taken back from a dead worker before it fails. */
  @IsInt()
  @Min(1)
  @Max(10)
  JOB_MAX_STALLED: number = 2;

  /** Finished jobs (and their status URLs) are kept this long, seconds. */
  @IsInt()
  @Min(60)
  @Max(30 * 86_400)
  JOB_RETENTION_S: number = 86_400;

  // --- gallery ---
  /** Longest side of the WebP thumbnail, px. */
  @IsInt()
  @Min(32)
  @Max(1024)
  THUMBNAIL_SIZE: number = 256;

  /** How often one replica checks that S3 and the Redis index agree (and repairs them), ms; 0 = never. */
  @IsInt()
  @Min(0)
  @Max(7 * 86_400_000)
  GALLERY_SWEEP_INTERVAL_MS: number = 600_000;

  /** An image without metadata (a store cut short) is removed only when older than this, ms. */
  @IsInt()
  @Min(0)
  @Max(7 * 86_400_000)
  GALLERY_SWEEP_GRACE_MS: number = 900_000;
}

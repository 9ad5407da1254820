import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { IsModelUri, MODEL_FILE_NAME_PATTERN } from './model-uri';

/**
 * ai-router patterns of model management (the admin's GET/DELETE /admin/models). WARNING: renaming
 * one breaks replicas of other versions in a rolling deploy.
 */
export const MODEL_ADMIN_PATTERNS = {
  files: 'models.files',
  deleteFile: 'models.files.delete',
} as const;

/**
 * BullMQ queue of model downloads: the gateway adds jobs, ai-router (which owns MODELS_DIR) works
 * them. WARNING: never rename it in a running deployment (waiting pulls would never run).
 */
export enum ModelQueue {
  pulls = 'model-pulls',
}

/** BullMQ key prefix of the model queue; a Redis Cluster hash tag like MEDIA_QUEUE_PREFIX (one slot per queue family). */
export const MODEL_QUEUE_PREFIX = '{nitro:bull:models}';

/** A pull job's id: `pull-` and 24 hex digits. */
export const MODEL_PULL_JOB_ID_PATTERN = /^pull-[0-9a-f]{24}$/;

export const MODEL_PULL_STATES = ['queued', 'downloading', 'verifying', 'done', 'failed'] as const;
export type ModelPullState = (typeof MODEL_PULL_STATES)[number];

/** Why a pull failed (the downloader's words): refusals are final, network trouble is retried first. */
export const MODEL_PULL_FAILURES = [
  'not_found',
  'http_status',
  'timeout',
  'stalled',
  'unreachable',
  'too_large',
  'not_gguf',
  'digest_mismatch',
  'exists',
  'in_use',
  'blocked_address',
  'bad_url',
  'no_digest',
  'cancelled',
  'internal',
] as const;
export type ModelPullFailure = (typeof MODEL_PULL_FAILURES)[number];

/** POST /admin/models/pull. */
export class ModelPullRequestDto {
  @ApiProperty({
    example: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
    description:
      '`hf:<user>/<repo>/<file>.gguf` (optionally `#<revision>`, default `main`; resolved to `<MODEL_HF_ENDPOINT>/<user>/<repo>/resolve/<revision>/<file>`) ' +
      'or an http(s) URL whose last path segment is the `.gguf` file name. The file is saved under that name in MODELS_DIR.',
  })
  @IsString()
  @IsModelUri()
  model!: string;

  @ApiPropertyOptional({
    example: '74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db',
    description:
      'Expected sha256 (64 hex digits). A file that does not match is deleted, never used. Without it the file is kept unverified and its digest reported.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'sha256 must be a sha256 digest: 64 hexadecimal digits' })
  sha256?: string;

  @ApiPropertyOptional({
    default: false,
    description:
      'Replace a model file of the same name. Without it such a pull is refused (409 MODEL_EXISTS). The old file stays until the new one ' +
      'downloaded and verified, then is unloaded and replaced in one rename; 409 MODEL_IN_USE while it is generating an answer.',
  })
  @IsOptional()
  @IsBoolean({ message: 'replace must be true or false' })
  replace?: boolean;
}

/** What BullMQ stores as a pull job's data (set by the gateway). */
export interface ModelPullJobData {
  /** As the admin wrote it (hf: or URL). */
  model: string;
  /** Saved as, in MODELS_DIR. */
  file_name: string;
  /** Lower-case, or absent (unverified pull). */
  sha256?: string;
  /** The admin asked to replace a file of that name (else the worker refuses with `exists`). */
  replace?: boolean;
  requested_by: string;
  requested_at: string;
}

/** A pull job's progress object (job.updateProgress), written by ai-router's worker. */
export interface ModelPullProgress {
  state: ModelPullState;
  /** Bytes of the file on disk so far (never decreases), and its size (0 while unknown). */
  bytes: number;
  total: number;
  /** Bytes per second over this attempt; 0 while unknown. */
  rate: number;
  /** Milliseconds left at that rate; null while unknown. */
  eta_ms: number | null;
  /** Grows with every update, across attempts and restarts: followers drop anything not newer. */
  seq: number;
  reason?: string;
  failure?: ModelPullFailure;
}

/** What the worker returns once the file is in MODELS_DIR. */
export interface ModelPullResult {
  name: string;
  size_bytes: number;
  sha256: string;
  /** True when a sha256 was given and matched; false for an unverified pull (digest computed, nothing to compare). */
  verified: boolean;
  /** The file was already there (nothing downloaded). */
  already_present: boolean;
}

/** One pull job, as GET /admin/models/pull/{job_id} (JSON) and every SSE event of it carry it. */
export class ModelPullStatusDto {
  @ApiProperty({ example: 'pull-5f0c3a9e2b7d4c1a8e6f0b3d' })
  job_id!: string;
  @ApiProperty({ example: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf' })
  model!: string;
  @ApiProperty({ example: 'qwen2.5-0.5b-instruct-q4_k_m.gguf' })
  file_name!: string;
  @ApiProperty({ enum: MODEL_PULL_STATES })
  state!: ModelPullState;
  @ApiProperty({ description: 'Bytes downloaded (never decreases).' })
  bytes!: number;
  @ApiProperty({ description: 'Size of the file in bytes; 0 while unknown.' })
  total!: number;
  @ApiProperty({ description: 'Bytes per second over the current attempt.' })
  rate!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Milliseconds left at that rate; null while unknown.' })
  eta_ms!: number | null;
  @ApiPropertyOptional({ description: 'Why it failed (or why it is being retried).' })
  reason?: string;
  @ApiPropertyOptional({ enum: MODEL_PULL_FAILURES })
  failure?: ModelPullFailure;
  @ApiPropertyOptional({ description: 'sha256 of the file once done.' })
  sha256?: string;
  @ApiPropertyOptional({ description: 'Done: whether the digest was checked against the one given.' })
  verified?: boolean;
  @ApiProperty({ description: 'Attempts that ended (network trouble is retried).' })
  attempts!: number;
  @ApiProperty()
  created_at!: string;
  @ApiPropertyOptional()
  finished_at?: string;
}

/** 202 of POST /admin/models/pull. */
export class ModelPullAcceptedDto {
  @ApiProperty({ example: 'pull-5f0c3a9e2b7d4c1a8e6f0b3d' })
  job_id!: string;
  @ApiProperty({ enum: MODEL_PULL_STATES, example: 'queued' })
  state!: ModelPullState;
  @ApiProperty({ example: 'qwen2.5-0.5b-instruct-q4_k_m.gguf' })
  file_name!: string;
  @ApiProperty({
    example: '/admin/models/pull/pull-5f0c3a9e2b7d4c1a8e6f0b3d',
    description: 'Progress: Server-Sent Events with `Accept: text/event-stream`, else the status as JSON.',
  })
  status_url!: string;
  @ApiProperty({ description: 'True when a pull of the same file was already queued or running: this is that job.' })
  already_running!: boolean;
}

/** One SSE event of GET /admin/models/pull/{job_id}: `progress` until `done` or `failed` (the event name is `type`). */
export type ModelPullEvent = { type: 'progress' | 'done' | 'failed' } & ModelPullStatusDto;

/** A .gguf file ai-router can serve as `local/<name without .gguf>`. */
export class LocalModelFileDto {
  @ApiProperty({ example: 'stories260K.gguf', description: 'The file name: what DELETE /admin/models/{name} takes.' })
  name!: string;
  @ApiProperty({ example: 'local/stories260K', description: 'The registry id (GET /models, /v1/models).' })
  model_id!: string;
  @ApiProperty({ example: 1185376 })
  size_bytes!: number;
  @ApiProperty({
    example: '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d',
    description: "sha256 of the file, computed once per file and cached in ai-router's memory by size + modification time.",
  })
  sha256!: string;
  @ApiProperty()
  modified_at!: string;
  @ApiProperty({ description: 'Loaded in memory now (models load on first use and unload after LOCAL_MODEL_IDLE_UNLOAD_MS idle).' })
  loaded!: boolean;
  @ApiProperty({ description: 'A generation is running on it (or waiting for it) now.' })
  busy!: boolean;
  @ApiProperty({ description: 'The model used when a request names none (LOCAL_MODEL_PATH, else the first file by name).' })
  default!: boolean;
  @ApiProperty({ enum: ['MODELS_DIR', 'LOCAL_MODEL_PATH'], description: 'Only MODELS_DIR files can be deleted here.' })
  source!: 'MODELS_DIR' | 'LOCAL_MODEL_PATH';
}

/** The default chat model (pinned in ai-router, NITRO_DEFAULT_MODEL_URL/_SHA256 override it): what a Download button pulls. */
export class RecommendedModelDto {
  @ApiProperty({ example: 'Qwen2.5 0.5B Instruct (Q4_K_M, GGUF)' })
  name!: string;
  @ApiProperty({ description: 'Pass it as `model` to POST /admin/models/pull.' })
  model!: string;
  @ApiPropertyOptional({ description: 'Pass it as `sha256` (absent when no digest is pinned).' })
  sha256?: string;
  @ApiProperty({ example: 'qwen2.5-0.5b-instruct-q4_k_m.gguf' })
  file_name!: string;
  @ApiProperty({ example: 491400032, description: 'Approximate size in bytes.' })
  approx_bytes!: number;
  @ApiProperty({ example: 'Apache-2.0' })
  licence!: string;
  @ApiProperty({ description: 'The file is already in MODELS_DIR.' })
  present!: boolean;
}

/** ai-router's answer to models.files. */
export class LocalModelFilesDto {
  @ApiProperty({ example: '/app/models' })
  models_dir!: string;
  @ApiProperty({ type: [LocalModelFileDto] })
  models!: LocalModelFileDto[];
  @ApiProperty({ type: RecommendedModelDto })
  recommended!: RecommendedModelDto;
}

/** GET /admin/models. */
export class AdminModelListDto extends LocalModelFilesDto {
  @ApiProperty({ type: [ModelPullStatusDto], description: 'Pulls queued or running now.' })
  pulls!: ModelPullStatusDto[];
}

/** models.files.delete and DELETE /admin/models/{name}: a file name as listed (the `.gguf` may be left out). */
export class LocalModelNameDto {
  @ApiProperty({ example: 'stories260K.gguf' })
  @IsString()
  @Matches(/^[\w+-][\w.+-]{0,199}$/, {
    message: 'name must be a model file name as GET /admin/models lists it (letters, digits, ".", "_", "+", "-"; no path)',
  })
  name!: string;
}

/** 200 of DELETE /admin/models/{name}. */
export class LocalModelDeletedDto {
  @ApiProperty({ example: 'stories260K.gguf' })
  deleted!: string;
  @ApiProperty({ description: 'It was loaded and has been unloaded first.' })
  unloaded!: boolean;
}

/** True for a name LocalModelNameDto accepts that is also a plain .gguf file name. */
export function isModelFileName(name: string): boolean {
  return MODEL_FILE_NAME_PATTERN.test(name);
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProviderAttemptDto } from '../common/provider-attempt.dto';
import { GalleryItemDto, GalleryRecord } from './gallery.dto';
import type { ImageProviderName, ImageStylePreset } from './media.patterns';

export const IMAGE_JOB_STAGES = ['queued', 'generating', 'storing', 'done', 'failed'] as const;
export type ImageJobStage = (typeof IMAGE_JOB_STAGES)[number];

/** What BullMQ stores as the job's data (validated and completed by the gateway: seed and sizes are always set). */
export interface ImageJobData {
  /** The username that asked (canonical): shown back, never used to decide who owns the result. */
  user_id: string;
  /** The owner's immutable uid (USER_UID_PATTERN): the gallery objects are written under it. */
  owner_uid: string;
  prompt: string;
  negative_prompt?: string;
  style_preset?: ImageStylePreset;
  provider?: ImageProviderName;
  width: number;
  height: number;
  count: number;
  seed: number;
  requested_at: string;
}

/** The job's progress object (job.updateProgress); `failed` carries what the caller should see. */
export interface ImageJobProgress {
  stage: ImageJobStage;
  percent?: number;
  provider?: string;
  reason?: string;
  status?: number;
  code?: string;
  /** Grows with every update, across attempts: followers order events by it. */
  seq?: number;
}

/** What the worker returns: the stored images and who drew them. */
export interface ImageJobResult {
  images: GalleryRecord[];
  ai_model: string;
  ai_source: string;
  seed: number;
  fallbacks?: ProviderAttemptDto[];
}

export class ImageJobAcceptedDto {
  @ApiProperty({ example: 'img-5f0c3a9e2b7d4c1a8e6f0b3d' })
  job_id!: string;
  @ApiProperty({ enum: IMAGE_JOB_STAGES, example: 'queued' })
  status!: ImageJobStage;
  @ApiProperty({ example: '/images/jobs/img-5f0c3a9e2b7d4c1a8e6f0b3d', description: 'Poll this for the status.' })
  status_url!: string;
  @ApiProperty({ example: '/images/jobs/img-5f0c3a9e2b7d4c1a8e6f0b3d/events', description: 'Follow this (Server-Sent Events) until done.' })
  events_url!: string;
}

/** The seed's answer (image_url and friends), also the `result` of a finished job. */
export class GenerateImageResultDto {
  @ApiProperty()
  job_id!: string;
  @ApiProperty({ example: '/gallery/download/img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png', description: 'The first image.' })
  image_url!: string;
  @ApiProperty({ example: '/gallery/download/img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png?variant=thumbnail' })
  thumbnail_url!: string;
  @ApiProperty({ example: 'img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png' })
  filename!: string;
  @ApiProperty({ type: [GalleryItemDto], description: 'Every image of the job (settings.count).' })
  images!: GalleryItemDto[];
  @ApiProperty({ example: 'procedural-v1 (not an AI model)' })
  ai_model!: string;
  @ApiProperty({ example: 'procedural', description: 'Provider that drew it.' })
  ai_source!: string;
  @ApiProperty()
  prompt!: string;
  @ApiProperty({ description: 'Seed used (given, or picked at random and reported so the image can be redrawn).' })
  seed!: number;
  @ApiProperty({ example: '2026-11-28T10:00:00.000Z' })
  timestamp!: string;
  @ApiPropertyOptional({ type: [ProviderAttemptDto], description: 'Providers tried before this one, with the reason each was skipped.' })
  fallbacks?: ProviderAttemptDto[];
}

export class ImageJobStatusDto {
  @ApiProperty()
  job_id!: string;
  @ApiProperty({ enum: IMAGE_JOB_STAGES })
  stage!: ImageJobStage;
  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  percent?: number;
  @ApiPropertyOptional({ description: 'Provider working on it (generating) or that served it.' })
  provider?: string;
  @ApiPropertyOptional({ description: 'Why it failed, naming what to fix.' })
  reason?: string;
  @ApiPropertyOptional({ description: 'Error code when failed (PROVIDER_REJECTED, NO_PROVIDER_AVAILABLE, PROVIDER_FAILED...).' })
  code?: string;
  @ApiPropertyOptional({ description: 'HTTP status a synchronous call would have answered for this failure.' })
  status?: number;
  @ApiProperty({ description: 'Attempts made so far (retries after provider errors or a lost worker).' })
  attempts!: number;
  @ApiProperty()
  created_at!: string;
  @ApiPropertyOptional()
  finished_at?: string;
  @ApiProperty()
  events_url!: string;
  @ApiPropertyOptional({ type: GenerateImageResultDto })
  result?: GenerateImageResultDto;
}

/** One Server-Sent Event of GET /images/jobs/{id}/events; `type` is the event name. */
export type ImageJobEvent =
  | ({ type: 'progress'; job_id: string } & ImageJobProgress)
  | ({ type: 'done'; stage: 'done' } & GenerateImageResultDto)
  | { type: 'failed'; job_id: string; stage: 'failed'; reason: string; code: string; status: number };

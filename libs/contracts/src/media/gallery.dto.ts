import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Metadata stored with each image (a JSON object beside the PNG, and in the Redis index). The
 * JSON object is written after the PNG and the thumbnail, so its presence means "complete".
 */
export interface GalleryRecord {
  filename: string;
  /** The username at the time the image was made: informational only, never used for access. */
  user_id: string;
  /** The owner's immutable uid (USER_UID_PATTERN): keys, index and every ownership check use this. */
  owner_uid: string;
  job_id: string;
  prompt: string;
  negative_prompt?: string;
  style_preset?: string;
  ai_model: string;
  ai_source: string;
  seed: number;
  width: number;
  height: number;
  bytes: number;
  thumbnail_bytes: number;
  content_type: 'image/png';
  created_at: string;
}

export class GalleryItemDto {
  @ApiProperty({ example: 'img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png' })
  filename!: string;
  @ApiProperty({ example: '/gallery/download/img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png' })
  url!: string;
  @ApiProperty({ example: '/gallery/download/img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png?variant=thumbnail', description: 'A WebP thumbnail.' })
  thumbnail_url!: string;
  @ApiProperty()
  job_id!: string;
  @ApiProperty()
  prompt!: string;
  @ApiPropertyOptional()
  negative_prompt?: string;
  @ApiPropertyOptional()
  style_preset?: string;
  @ApiProperty({ example: 'procedural-v1 (not an AI model)' })
  ai_model!: string;
  @ApiProperty({ example: 'procedural' })
  ai_source!: string;
  @ApiProperty()
  seed!: number;
  @ApiProperty()
  width!: number;
  @ApiProperty()
  height!: number;
  @ApiProperty({ description: 'Size of the PNG in bytes.' })
  bytes!: number;
  @ApiProperty()
  created_at!: string;
}

export class GalleryPageDto {
  @ApiProperty()
  user_id!: string;
  @ApiProperty({ type: [GalleryItemDto], description: 'Newest first.' })
  items!: GalleryItemDto[];
  @ApiProperty({ description: 'Images in the whole gallery.' })
  total!: number;
  @ApiProperty()
  offset!: number;
  @ApiProperty()
  limit!: number;
  @ApiPropertyOptional({ nullable: true, description: 'offset of the next page; null on the last page.' })
  next_offset!: number | null;
}

export class GalleryDeletedDto {
  @ApiProperty()
  filename!: string;
  @ApiProperty({ example: true })
  deleted!: boolean;
}

/** One provider as the media service sees it (GET /images/providers). */
export class ImageProviderStatusDto {
  @ApiProperty({ example: 'procedural' })
  name!: string;
  @ApiProperty({ description: 'Configured and not backing off after a rate limit.' })
  available!: boolean;
  @ApiPropertyOptional({ example: 'not configured: set STABILITY_API_KEY' })
  reason?: string;
  @ApiPropertyOptional({ example: 'procedural-v1 (not an AI model)' })
  model?: string;
  @ApiProperty({ description: 'False only for the procedural generator, which is never presented as AI.' })
  ai!: boolean;
  @ApiProperty({ description: 'Listed in IMAGE_PROVIDERS, so tried by default; the others serve only when named in settings.provider.' })
  in_order!: boolean;
}

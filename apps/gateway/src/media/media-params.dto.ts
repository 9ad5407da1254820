import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IMAGE_JOB_ID_PATTERN } from '@nitro/contracts';
import { UserIdParam } from '../common/user-id.param';

export class GenerateImageQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Wait (up to IMAGE_WAIT_MS, default 30 s) and answer 200 with the image URL; 202 if not done by then.',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'wait must be true or false' })
  wait?: 'true' | 'false';
}

export class JobIdParam {
  @ApiProperty({ pattern: IMAGE_JOB_ID_PATTERN.source, example: 'img-5f0c3a9e2b7d4c1a8e6f0b3d' })
  @IsString()
  @Matches(IMAGE_JOB_ID_PATTERN, { message: 'id must be an image job id: "img-" and 24 hex digits, as POST /generate-image answered' })
  id!: string;
}

export class GalleryPageQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0)
  @Max(1_000_000)
  offset?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 24 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit?: number;
}

/** Any string is accepted here: a name the service did not issue is a 404, not a 400 (nothing to learn from it). */
export class GalleryFileParam {
  @ApiProperty({ example: 'img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png', description: 'A filename from the gallery listing or a generate answer.' })
  @IsString()
  @MaxLength(200)
  filename!: string;
}

export class GalleryUserFileParams extends UserIdParam {
  @ApiProperty({ example: 'img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png' })
  @IsString()
  @MaxLength(200)
  filename!: string;
}

export class DownloadQueryDto {
  @ApiPropertyOptional({ enum: ['original', 'thumbnail'], default: 'original', description: 'thumbnail: a small WebP.' })
  @IsOptional()
  @IsIn(['original', 'thumbnail'], { message: 'variant must be original or thumbnail' })
  variant?: 'original' | 'thumbnail';
}

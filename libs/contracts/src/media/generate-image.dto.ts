import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDivisibleBy, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import { HasVisibleText, MaxChars } from '../common/text.validators';
import { IMAGE_LIMITS, IMAGE_PROVIDER_NAMES, IMAGE_STYLE_PRESETS, type ImageProviderName, type ImageStylePreset } from './media.patterns';
import { NestedObject } from '../common/nested.validators';

const { minSize, maxSize, sizeStep, maxCount, maxPromptChars, maxNegativePromptChars, maxSeed } = IMAGE_LIMITS;

export class ImageSettingsDto {
  @ApiPropertyOptional({ minimum: minSize, maximum: maxSize, multipleOf: sizeStep, default: IMAGE_LIMITS.defaultSize })
  @IsOptional()
  @IsInt()
  @Min(minSize)
  @Max(maxSize)
  @IsDivisibleBy(sizeStep)
  width?: number;

  @ApiPropertyOptional({ minimum: minSize, maximum: maxSize, multipleOf: sizeStep, default: IMAGE_LIMITS.defaultSize })
  @IsOptional()
  @IsInt()
  @Min(minSize)
  @Max(maxSize)
  @IsDivisibleBy(sizeStep)
  height?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: maxCount, default: 1, description: 'Images to draw for this prompt.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(maxCount)
  count?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: maxSeed,
    description: 'Same prompt + seed + provider gives the same picture; random when omitted (and reported).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(maxSeed)
  seed?: number;

  @ApiPropertyOptional({ maxLength: maxNegativePromptChars, description: 'What the picture should not show.' })
  @IsOptional()
  @IsString()
  @MaxChars(maxNegativePromptChars)
  negative_prompt?: string;

  @ApiPropertyOptional({ enum: IMAGE_STYLE_PRESETS })
  @IsOptional()
  @IsIn(IMAGE_STYLE_PRESETS as unknown as string[], { message: `style_preset must be one of: ${IMAGE_STYLE_PRESETS.join(', ')}` })
  style_preset?: ImageStylePreset;

  @ApiPropertyOptional({ enum: IMAGE_PROVIDER_NAMES, description: 'Ask for one provider instead of the configured order (no fallback).' })
  @IsOptional()
  @IsIn(IMAGE_PROVIDER_NAMES as unknown as string[], { message: `provider must be one of: ${IMAGE_PROVIDER_NAMES.join(', ')}` })
  provider?: ImageProviderName;
}

export class GenerateImageDto {
  @ApiProperty({
    minLength: 1,
    maxLength: maxPromptChars,
    example: 'a lighthouse on a cliff at dusk, oil painting',
    description: 'Characters are Unicode code points; the prompt must contain visible text.',
  })
  @IsString()
  @MinLength(1, { message: 'prompt must not be empty' })
  @MaxChars(maxPromptChars)
  @HasVisibleText()
  prompt!: string;

  @ApiProperty({ pattern: ID_PATTERN.source, example: 'alice' })
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;

  @ApiPropertyOptional({ type: ImageSettingsDto })
  @IsOptional()
  @NestedObject(() => ImageSettingsDto)
  settings?: ImageSettingsDto;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { ModelName } from '../common/text.validators';

export class EmbeddingsRequestDto {
  @ApiProperty({
    example: 'default',
    description: 'A model id from GET /v1/models with the `embeddings` capability, or "default" (the first available one).',
  })
  @ModelName(256)
  model!: string;

  @ApiProperty({ example: ['first text', 'second text'], oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })
  @Allow()
  input!: unknown;

  @ApiPropertyOptional({
    enum: ['float', 'base64'],
    default: 'float',
    description: 'base64: little-endian float32 bytes, as OpenAI sends them.',
  })
  @IsOptional()
  @IsIn(['float', 'base64'], { message: 'encoding_format must be one of: float, base64' })
  encoding_format?: 'float' | 'base64';

  @ApiPropertyOptional({ description: "Accepted when equal to the model's size (no truncation)." })
  @IsOptional()
  @IsInt()
  @Min(1)
  dimensions?: number;

  @ApiPropertyOptional({ description: 'Accepted, not used.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;
}

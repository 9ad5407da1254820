import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?limit=` on list routes: a whole number from 1 to 1000 (each route says its default). */
export class LimitQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, description: 'At most this many items (1-1000).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '@nitro/contracts';

export class TaskRunsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, description: 'Newest first; all kept runs when omitted.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** Options of POST /agent/file-analyze, as query parameters (multipart form fields work too). */
export class FileAnalyzeQueryDto {
  @ApiPropertyOptional({ pattern: ID_PATTERN.source, description: "Whose analysis this is; the caller's own id when omitted." })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id?: string;

  @ApiPropertyOptional({ description: 'false skips the LLM summary.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'llm must be true or false' })
  llm?: boolean;
}

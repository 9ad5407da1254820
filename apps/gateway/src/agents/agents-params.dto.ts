import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '@nitro/contracts';
import { LimitQueryDto } from '../common/limit.query';

/** Runs newest first; all kept runs when `limit` is omitted. */
export class TaskRunsQueryDto extends LimitQueryDto {}

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

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '@nitro/contracts';
import { UserIdParam } from '../common/user-id.param';

export { UserIdParam };

export class UserSessionParams extends UserIdParam {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id!: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ pattern: ID_PATTERN.source, description: 'Conversation; the most recent one when omitted.' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ClearQueryDto {
  @ApiPropertyOptional({ pattern: ID_PATTERN.source, description: 'Clear one conversation; all of the user\'s when omitted.' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;
}

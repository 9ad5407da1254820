import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { HasVisibleText, ID_MESSAGE, ID_PATTERN, MAX_SESSION_SEARCH_CHARS, MaxChars } from '@nitro/contracts';
import { LimitQueryDto } from '../common/limit.query';
import { UserIdParam } from '../common/user-id.param';

export { UserIdParam };

export class UserSessionParams extends UserIdParam {
  @ApiProperty({ pattern: ID_PATTERN.source })
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id!: string;
}

/** `limit` defaults to 100 messages. */
export class HistoryQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ pattern: ID_PATTERN.source, description: 'Conversation; the most recent one when omitted.' })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;
}

export class ClearQueryDto {
  @ApiPropertyOptional({ pattern: ID_PATTERN.source, description: "Clear one conversation; all of the user's when omitted." })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;
}

/** GET /chat/sessions/{user_id}?q=: search the caller's conversations. */
export class SessionsQueryDto {
  @ApiPropertyOptional({
    maxLength: MAX_SESSION_SEARCH_CHARS,
    description:
      'Only conversations whose title or a message (the shown version) contains this text, case-insensitive; each with a `snippet` of the first matching message.',
  })
  @IsOptional()
  @IsString({ message: 'q must be a string' })
  @HasVisibleText()
  @MaxChars(MAX_SESSION_SEARCH_CHARS)
  q?: string;
}

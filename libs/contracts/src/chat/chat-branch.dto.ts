import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import { HasVisibleText, MaxChars } from '../common/text.validators';

/** Conversation titles a person sets (Rename): visible text, at most this many characters. */
export const MAX_TITLE_CHARS = 200;
/** Positions in a conversation (message indexes, oldest = 0). */
const MAX_POSITION = 100_000;
const POSITION_MESSAGE = `index must be an integer from 0 to ${MAX_POSITION}`;

/** How a fork was made: Regenerate (same question, another answer) or Edit (another question). */
export const FORK_KINDS = ['regenerate', 'edit'] as const;
export type ForkKind = (typeof FORK_KINDS)[number];

/** PATCH /chat/sessions/{user_id}/{session_id}: rename a conversation. */
export class ChatSessionPatchDto {
  @ApiProperty({
    maxLength: MAX_TITLE_CHARS,
    example: 'Redis Streams notes',
    description: 'Characters are Unicode code points; must contain visible text.',
  })
  @IsString()
  @HasVisibleText()
  @MaxChars(MAX_TITLE_CHARS)
  title!: string;
}

/**
 * POST /chat/sessions/{user_id}/{session_id}/fork: set the messages from `index` on aside as an
 * alternative (Regenerate: `index` is the question; Edit: the question being edited), so the next
 * message sent continues the conversation from there. The set-aside part stays navigable: an edit's
 * versions at `branches[index]`, a regenerate's answers at `branches[index + 1]` (the answer's position;
 * each version of a question keeps its own answers).
 */
export class ChatForkDto {
  @ApiProperty({ minimum: 0, description: 'Position of the user message the new branch replaces (0 = the first message).' })
  @IsInt({ message: POSITION_MESSAGE })
  @Min(0, { message: POSITION_MESSAGE })
  @Max(MAX_POSITION, { message: POSITION_MESSAGE })
  index!: number;

  @ApiPropertyOptional({ enum: FORK_KINDS, description: 'regenerate (default) or edit: where the ‹ n/m › control is shown.' })
  @IsOptional()
  @IsIn(FORK_KINDS)
  kind?: ForkKind;
}

/** PUT /chat/sessions/{user_id}/{session_id}/branches: show alternative `variant` at position `index`. */
export class ChatBranchSelectDto {
  @ApiProperty({ minimum: 0, description: 'A key of `branches`: the question for Edit versions, the answer for Regenerate answers.' })
  @IsInt({ message: POSITION_MESSAGE })
  @Min(0, { message: POSITION_MESSAGE })
  @Max(MAX_POSITION, { message: POSITION_MESSAGE })
  index!: number;

  @ApiProperty({ minimum: 0, description: '0-based, as in `branches[index].active`.' })
  @IsInt({ message: 'variant must be an integer from 0' })
  @Min(0, { message: 'variant must be an integer from 0' })
  @Max(1000, { message: 'variant must be at most 1000' })
  variant!: number;
}

/** The alternatives at one position of a conversation. */
export class ChatBranchInfoDto {
  @ApiProperty({ description: 'How many alternatives there are (2 or more).' })
  count!: number;
  @ApiProperty({ description: 'The one shown (0-based).' })
  active!: number;
  @ApiProperty({ enum: FORK_KINDS })
  kind!: ForkKind;
}

/** What GET /chat/sessions/{user}/{session}/branches answers (also part of the history). */
export class ChatBranchesDto {
  @ApiProperty({ description: 'Absolute position of the first message of `messages` in the conversation.' })
  offset!: number;
  @ApiProperty({
    description: 'Alternatives by absolute message position.',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ChatBranchInfoDto' },
  })
  branches!: Record<string, ChatBranchInfoDto>;
}

/** A user's conversation, both ids required: the base of the commands below. */
class SessionOf {
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id!: string;
}

/** chat.session.rename */
export class ChatSessionRenameCommand extends SessionOf {
  @IsString({ message: 'title must be a string' })
  @HasVisibleText()
  @MaxChars(MAX_TITLE_CHARS)
  title!: string;
}

/** chat.session.fork */
export class ChatForkCommand extends SessionOf {
  @IsInt({ message: POSITION_MESSAGE })
  @Min(0, { message: POSITION_MESSAGE })
  @Max(MAX_POSITION, { message: POSITION_MESSAGE })
  index!: number;
  @IsOptional()
  @IsIn(FORK_KINDS)
  kind?: ForkKind;
}

/** chat.session.branch */
export class ChatBranchSelectCommand extends SessionOf {
  @IsInt({ message: POSITION_MESSAGE })
  @Min(0, { message: POSITION_MESSAGE })
  @Max(MAX_POSITION, { message: POSITION_MESSAGE })
  index!: number;
  @IsInt({ message: 'variant must be an integer from 0' })
  @Min(0, { message: 'variant must be an integer from 0' })
  @Max(1000, { message: 'variant must be at most 1000' })
  variant!: number;
}

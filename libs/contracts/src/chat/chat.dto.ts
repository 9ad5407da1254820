import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import { HasVisibleText, MaxChars, ModelName } from '../common/text.validators';
import { ProviderAttemptDto } from '../common/provider-attempt.dto';
import { TURN_STATUSES, type TurnStatus } from './chat-stream.dto';
import { ATTACHMENT_ID_PATTERN, ChatAttachmentTextDto, ChatMessageAttachmentDto, MAX_ATTACHMENTS_PER_MESSAGE } from './chat-attachment.dto';
import { ChatImageDto, ChatImages } from './chat-image.dto';
import { NestedObject, NestedObjects } from '../common/nested.validators';

/** Default cap on one message; the gateway's config may lower it. */
export const MAX_MESSAGE_CHARS = 32_000;
export const PROVIDER_NAMES = ['ollama', 'local', 'gemini'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export class ChatOptionsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 2, example: 0.7, description: 'Sampling temperature; 0 is greedy.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 8192, example: 512, description: 'Upper bound on generated tokens.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(8192)
  max_tokens?: number;

  @ApiPropertyOptional({ enum: PROVIDER_NAMES, description: 'Ask for one provider instead of the configured order (no fallback).' })
  @IsOptional()
  @IsIn(PROVIDER_NAMES as unknown as string[])
  provider?: ProviderName;

  @ApiPropertyOptional({
    maxLength: 256,
    description:
      'A model id from GET /models (`<provider>/<model>`: only that model, no fallback; 404 MODEL_NOT_FOUND naming options.model when unknown, also when the part before `/` is not one of our providers; 503 MODEL_UNAVAILABLE when it cannot serve now), or with `provider` that provider\'s own model name (e.g. "phi3"). A bare name without `/` and without `provider` is tried under that name in the routing order.',
  })
  @IsOptional()
  @ModelName(256)
  model?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'A system prompt for this request (characters are Unicode code points).' })
  @IsOptional()
  @IsString()
  @MaxChars(4000)
  system?: string;
}

export class ChatRequestDto {
  @ApiProperty({
    minLength: 1,
    maxLength: MAX_MESSAGE_CHARS,
    example: 'Explain Redis Streams in two sentences.',
    description: 'Characters are Unicode code points (an emoji is one); the message must contain visible text.',
  })
  @IsString()
  @MinLength(1, { message: 'message must not be empty' })
  @MaxChars(MAX_MESSAGE_CHARS)
  @HasVisibleText()
  message!: string;

  @ApiPropertyOptional({
    pattern: ID_PATTERN.source,
    description: "Whose conversation: the caller's when omitted (an admin may name another user).",
  })
  // Omitted means the caller; null is a mistake, not "omitted" (IsOptional would let it through).
  @ValidateIf((o: ChatRequestDto) => o.user_id !== undefined)
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id?: string;

  @ApiPropertyOptional({
    pattern: ID_PATTERN.source,
    example: 'default',
    description: 'Conversation id; a new one is created when omitted.',
  })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;

  @ApiPropertyOptional({ type: ChatOptionsDto })
  @IsOptional()
  @NestedObject(() => ChatOptionsDto)
  options?: ChatOptionsDto;

  @ApiPropertyOptional({
    description: 'Answer without reading or writing conversation memory: nothing is stored, and it works while memory (Redis) is down.',
  })
  @IsOptional()
  @IsBoolean()
  ephemeral?: boolean;

  @ApiPropertyOptional({ description: 'Stream the answer as Server-Sent Events (same as POST /chat/stream).' })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_ATTACHMENTS_PER_MESSAGE,
    example: ['aB3dE5fG7hJ9kL1mN3pQ5r'],
    description:
      "Ids from POST /chat/attachments (the caller's own; another's or an expired one is a 404). Their text goes to the model before the message and is stored with it; together at most CHAT_ATTACHMENTS_MAX_CHARS characters (400 naming attachments). " +
      'Images go with this message to a model that reads them (an Ollama model whose /api/show lists "vision", or Gemini); providers that cannot are skipped, and when none can the answer is 400 IMAGES_NOT_SUPPORTED. ' +
      "History keeps an image's name, not its bytes: later messages do not send it again.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ATTACHMENTS_PER_MESSAGE, { message: `attachments must hold at most ${MAX_ATTACHMENTS_PER_MESSAGE} ids` })
  @ArrayUnique({ message: 'attachments must not repeat an id' })
  @IsString({ each: true })
  @Matches(ATTACHMENT_ID_PATTERN, { each: true, message: 'attachments must be ids from POST /chat/attachments' })
  attachments?: string[];
}

/** Token counts of one answer, as the provider reported them (either may be missing: not every vendor counts both). */
export class ChatUsageDto {
  @ApiPropertyOptional({ example: 42, description: 'Tokens of the prompt as the model saw it (system prompt, history, message).' })
  prompt_tokens?: number;
  @ApiPropertyOptional({ example: 128, description: 'Tokens generated for the answer.' })
  completion_tokens?: number;
}

export class ChatResponseDto {
  @ApiProperty({ description: "The assistant's answer." })
  response!: string;
  @ApiProperty({ example: 'phi3', description: 'Model that produced the answer.' })
  ai_model!: string;
  @ApiProperty({ example: 'local', description: 'Provider that served it: ollama, gemini or local.' })
  ai_source!: string;
  @ApiProperty({ example: '2026-11-28T10:00:00.000Z' })
  timestamp!: string;
  @ApiProperty({ example: 'default' })
  session_id!: string;
  @ApiPropertyOptional({ type: [ProviderAttemptDto], description: 'Providers tried before this one, with the reason each was skipped.' })
  fallbacks?: ProviderAttemptDto[];
  @ApiPropertyOptional({ type: ChatUsageDto, description: 'Token counts where the provider reports them.' })
  usage?: ChatUsageDto;
  @ApiPropertyOptional({ description: 'Why generation stopped: stop, length, or (a tracked turn ended early) stopped / incomplete.' })
  finish_reason?: string;
  @ApiPropertyOptional({
    enum: ['complete', 'stopped', 'incomplete'],
    description: 'How the turn ended, as stored: complete unless it was stopped or left unread.',
  })
  status?: Exclude<TurnStatus, 'failed'>;
}

export class ChatMessageDto {
  @ApiProperty({ enum: ['user', 'assistant', 'system'] })
  role!: 'user' | 'assistant' | 'system';
  @ApiProperty()
  content!: string;
  @ApiProperty()
  timestamp!: string;
  @ApiPropertyOptional()
  ai_model?: string;
  @ApiPropertyOptional()
  ai_source?: string;
  @ApiPropertyOptional({
    enum: TURN_STATUSES,
    description:
      'Assistant messages: how the turn ended. complete; stopped (Stop was pressed); incomplete (the reader left and did not come back); failed (the provider broke after some text). Absent means complete.',
  })
  status?: TurnStatus;
  @ApiPropertyOptional({
    type: ChatUsageDto,
    description: 'Assistant messages of complete turns: token counts where the provider reported them (absent for older messages).',
  })
  usage?: ChatUsageDto;
  @ApiPropertyOptional({ example: 'stop', description: 'Assistant messages of complete turns: why generation stopped (stop, length, …).' })
  finish_reason?: string;
  @ApiPropertyOptional({
    type: [ChatMessageAttachmentDto],
    description: 'User messages: the files attached to it (POST /chat/attachments), with their text as the model saw it.',
  })
  attachments?: ChatMessageAttachmentDto[];
}

export class ChatHistoryDto {
  @ApiProperty()
  user_id!: string;
  @ApiProperty()
  session_id!: string;
  @ApiProperty({ type: [ChatMessageDto] })
  messages!: ChatMessageDto[];
  @ApiPropertyOptional({ description: 'Absolute position of messages[0] in the conversation (earlier ones were left out by limit).' })
  offset?: number;
  @ApiPropertyOptional({
    description:
      "Alternatives by absolute message position: { count, active, kind }. Edit: versions of the question, at its position; Regenerate: answers, at the answer's position (each version of a question has its own). See PUT /chat/sessions/{user_id}/{session_id}/branches.",
  })
  branches?: Record<string, { count: number; active: number; kind: 'regenerate' | 'edit' }>;
}

export class ChatSessionDto {
  @ApiProperty()
  session_id!: string;
  @ApiProperty()
  message_count!: number;
  @ApiProperty()
  updated_at!: string;
  @ApiPropertyOptional({ description: 'First user message, cut to 80 characters.' })
  title?: string;
  @ApiPropertyOptional({
    description:
      'Only with `q`: the first message (in the shown version) whose text contains it, cut to about 100 characters around the match; ' +
      'absent when only the title matched.',
  })
  snippet?: string;
}

/**
 * One Server-Sent Event of a streamed answer. Tracked streams (those with a `stream_id`) number their
 * events: `id` is the SSE `id:` line and the `Last-Event-ID` to resume after. `start` comes first;
 * the last event is `done` (status complete | stopped | incomplete) or `error` (`incomplete: true`
 * when text had been sent: that text is stored with status "failed").
 */
export type ChatStreamEvent = { id?: number } & (
  | { type: 'start'; stream_id: string; session_id: string }
  | { type: 'meta'; session_id: string; ai_model: string; ai_source: string; fallbacks?: ProviderAttemptDto[] }
  | { type: 'token'; text: string }
  | {
      type: 'done';
      response: string;
      ai_model: string;
      ai_source: string;
      session_id: string;
      timestamp: string;
      status?: Exclude<TurnStatus, 'failed'>;
      finish_reason?: string;
      usage?: ChatResponseDto['usage'];
    }
  | { type: 'error'; status: number; code: string; message: string; incomplete: boolean }
);

/** A user and, optionally, one of their conversations: the base of every chat command and query. */
class UserConversationRef {
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;

  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;
}

/**
 * What ai-router receives for chat.send / chat.stream, validated there with validateDto (the
 * gateway validates its own body first). Other services (search summaries, agents, voice) send the
 * same shape; `ephemeral` answers without reading or writing conversation memory.
 */
export class ChatCommand extends UserConversationRef {
  @IsString({ message: 'message must be a non-empty string' })
  @HasVisibleText()
  @MaxChars(MAX_MESSAGE_CHARS)
  message!: string;

  @IsOptional()
  @NestedObject(() => ChatOptionsDto)
  options?: ChatOptionsDto;

  @IsOptional()
  @IsBoolean()
  ephemeral?: boolean;

  /**
   * Set by the gateway for tracked streams (a UUID it has registered in `chatStreamKeys(id).meta`):
   * ai-router then logs events for replay, obeys stop and the reader grace period, and claims the
   * turn so a reclaimed request never generates it twice.
   */
  @IsOptional()
  @IsUUID('all', { message: 'stream_id must be a UUID' })
  stream_id?: string;

  /** Files' text to put before the message (resolved and capped by the gateway from ChatRequestDto.attachments). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ATTACHMENTS_PER_MESSAGE, { message: `attachments must hold at most ${MAX_ATTACHMENTS_PER_MESSAGE} files` })
  @NestedObjects(() => ChatAttachmentTextDto)
  attachments?: ChatAttachmentTextDto[];

  /**
   * Images for this message (resolved by the gateway from image attachments): they go on the last user message
   * to a provider that reads images; only their names are stored (with `attachments` in history), never the bytes.
   */
  @ChatImages()
  images?: ChatImageDto[];
}

/** chat.history / chat.clear / chat.sessions: a user, optionally one of their conversations. */
export class ChatHistoryQuery extends UserConversationRef {
  @IsOptional()
  @IsInt({ message: 'limit must be an integer from 1 to 1000' })
  @Min(1, { message: 'limit must be an integer from 1 to 1000' })
  @Max(1000, { message: 'limit must be an integer from 1 to 1000' })
  limit?: number;
}

/** Longest conversation search text `q` (Unicode code points). */
export const MAX_SESSION_SEARCH_CHARS = 200;

/**
 * chat.sessions: a user's conversations; with `q`, only those whose title or a message's text contains it
 * (case-insensitive, Unicode-aware), each with a `snippet` of the first matching message.
 */
export class ChatSessionsQuery {
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;

  @IsOptional()
  @IsString({ message: 'q must be a string' })
  @HasVisibleText()
  @MaxChars(MAX_SESSION_SEARCH_CHARS)
  q?: string;
}

/** chat.session.delete: one conversation of a user (both ids required). */
export class ChatSessionRef {
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id!: string;
}

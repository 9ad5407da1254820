import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import type { ProviderAttemptDto } from '../common/provider-attempt.dto';
import type { ProviderName } from '../chat/chat.dto';
import { ModelCommand } from './models.dto';
import { ChatImageDto, ChatImages } from '../chat/chat-image.dto';
import { NestedObjects } from '../common/nested.validators';

/** Roles a stateless completion takes (OpenAI's, `developer` folded into `system` by the gateway). */
export const COMPLETION_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type CompletionRole = (typeof COMPLETION_ROLES)[number];

/** A tool call as the model asked for it: `arguments` is a JSON string (OpenAI's convention). */
export interface CompletionToolCall {
  id: string;
  name: string;
  arguments: string;
  /** Gemini's thought signature of the call (OpenAI shape: `extra_content.google.thought_signature`), echoed back on the next turn. */
  signature?: string;
}

/** OpenAI's tool_choice as ai-router takes it: one forced function is `{ name }` (the gateway unwraps `function.name`). */
export type CompletionToolChoice = 'auto' | 'none' | 'required' | { name: string };

export function isCompletionToolChoice(v: unknown): v is CompletionToolChoice {
  if (v === 'auto' || v === 'none' || v === 'required') return true;
  const name = (v as { name?: unknown } | null)?.name;
  return typeof v === 'object' && typeof name === 'string' && name.length > 0 && name.length <= 64;
}

export class CompletionMessage {
  @IsIn(COMPLETION_ROLES as unknown as string[], { message: `role must be one of: ${COMPLETION_ROLES.join(', ')}` })
  role!: CompletionRole;

  /** Text (content parts already joined by the gateway); '' for an assistant turn that only called tools. */
  @IsString()
  content!: string;

  @IsOptional()
  @IsArray()
  tool_calls?: CompletionToolCall[];

  @IsOptional()
  @IsString()
  tool_call_id?: string;

  /** User messages: images (OpenAI `image_url` parts with data URLs, decoded by the gateway) for a provider that reads them. */
  @ChatImages()
  images?: ChatImageDto[];
}

/**
 * chat.complete: a stateless completion of a whole message list (the gateway's /v1/chat/completions).
 * Nothing is read from memory; nothing is written unless `session_id` opts in (the user message and
 * the answer are then appended to that conversation). Always answered as CompletionEvents; the
 * caller leaving (unsubscribing) cancels generation at once.
 */
export class CompletionCommand extends ModelCommand {
  @IsArray()
  @ArrayMinSize(1, { message: 'messages must contain at least one message' })
  @ArrayMaxSize(1000)
  @NestedObjects(() => CompletionMessage)
  messages!: CompletionMessage[];

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  top_p?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32_768)
  max_tokens?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsString({ each: true })
  stop?: string[];

  /** OpenAI-style function tools, passed through to providers that take them. */
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  tools?: Record<string, unknown>[];

  /** Which tool the model may or must call; absent means "auto". Providers without such an option (Ollama) ignore it. */
  @IsOptional()
  @ValidateBy({
    name: 'isCompletionToolChoice',
    validator: {
      validate: isCompletionToolChoice,
      defaultMessage: () => 'tool_choice must be "auto", "none", "required" or { "name": "<function>" }',
    },
  })
  tool_choice?: CompletionToolChoice;

  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: `session_id ${ID_MESSAGE}` })
  session_id?: string;

  /**
   * false: the caller wants the whole answer at once (OpenAI's non-stream request). ai-router then asks the
   * provider for a whole answer and replies with one `done` event carrying `text` and `fallbacks`: one packet.
   * Absent or true: tokens as they come.
   */
  @IsOptional()
  @IsBoolean()
  stream?: boolean;
}

export interface CompletionUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/**
 * chat.complete's answer: meta at the first token, tokens, then done; or one error. With `stream: false` only done
 * (carrying `text` and `fallbacks`) or one error: one reply packet for the whole answer.
 */
export type CompletionEvent =
  | { type: 'meta'; model_id: string; provider: ProviderName; model: string; fallbacks: ProviderAttemptDto[] }
  | { type: 'token'; text: string }
  | {
      type: 'done';
      model_id: string;
      provider: ProviderName;
      model: string;
      usage: CompletionUsage;
      finish_reason: string;
      tool_calls?: CompletionToolCall[];
      /** `stream: false` only: the whole answer (there were no token events). */
      text?: string;
      /** `stream: false` only: the providers tried before this one (there was no meta event). */
      fallbacks?: ProviderAttemptDto[];
    }
  | { type: 'error'; status: number; code: string; message: string; param?: string };

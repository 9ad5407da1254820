import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Allow,
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
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ModelName } from '../common/text.validators';
import { NestedObject } from '../common/nested.validators';

/** The `model` that lets the routing order choose (local-first with fallback): works on every install. */
export const DEFAULT_MODEL_ALIAS = 'default';

const CHAT_EXAMPLE_MESSAGES = [
  { role: 'system', content: 'You are a concise assistant.' },
  { role: 'user', content: 'Say hello in five words.' },
];

/** `stream_options` of a chat completion (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options). */
export class StreamOptionsDto {
  @ApiPropertyOptional({ description: 'A last chunk with `usage` and no choices.' })
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;

  @ApiPropertyOptional({ description: 'Accepted, not used (the chunks carry no obfuscation field).' })
  @IsOptional()
  @IsBoolean()
  include_obfuscation?: boolean;
}

/**
 * POST /v1/chat/completions, as OpenAI documents it. `messages` items are checked by the gateway
 * (roles, string or text-part content, data-URL image parts) so each refusal names `messages[i].<field>`. Parameters
 * OpenAI defines that we do not use (penalties, seed, logit_bias, response_format …) are accepted
 * and ignored; a parameter OpenAI does not define is a 400 naming it, as OpenAI answers.
 */
export class ChatCompletionRequestDto {
  @ApiProperty({
    example: DEFAULT_MODEL_ALIAS,
    maxLength: 256,
    description: 'A model id from GET /v1/models (`<provider>/<model>`), or "default" for the routing order (local-first, with fallback).',
  })
  @ModelName(256)
  model!: string;

  @ApiProperty({
    example: CHAT_EXAMPLE_MESSAGES,
    description:
      'system / developer / user / assistant / tool messages; content a string or an array of text parts. A user message may also carry ' +
      '`{ "type": "image_url", "image_url": { "url": "data:image/png;base64,…" } }` parts (PNG, JPEG, WebP, GIF; at most 4 images per request, ' +
      'each at most CHAT_ATTACHMENT_MAX_IMAGE_BYTES, and the whole body within BODY_LIMIT_CHAT): they go to a model that reads images ' +
      '(an Ollama model with "vision", Gemini), else 400 IMAGES_NOT_SUPPORTED. Remote http(s) image URLs are refused (400 naming ' +
      '`messages[i].content[j].image_url.url`): the server does not fetch addresses it is given (SSRF).',
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'messages must contain at least one message' })
  @ArrayMaxSize(1000)
  messages!: unknown[];

  @ApiPropertyOptional({ minimum: 0, maximum: 2, example: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  top_p?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 32768, example: 64 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32_768)
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 32768, description: 'Same as max_tokens (the newer name).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32_768)
  max_completion_tokens?: number;

  @ApiPropertyOptional({
    description: 'A string or up to 4 strings.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  })
  @Allow()
  stop?: unknown;

  @ApiPropertyOptional({ example: false, description: 'Server-Sent Events (`data:` chunks, then `data: [DONE]`).' })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({
    type: () => StreamOptionsDto,
    example: { include_usage: true },
    description: 'include_usage: a last chunk with `usage` and no choices.',
  })
  @IsOptional()
  @NestedObject(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 1, description: 'Only 1 is supported.' })
  @IsOptional()
  @IsInt()
  n?: number;

  @ApiPropertyOptional({ maxLength: 256, description: "An end-user id for the caller's own records; logged, not used for routing." })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  user?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description:
      'Function tools: passed to models with the `tools` capability (Ollama, Gemini: as function declarations); 400 for the others.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @IsObject({ each: true })
  tools?: Record<string, unknown>[];

  @ApiPropertyOptional({
    description:
      '"auto" (default), "none" (tools are not sent), "required", or {"type": "function", "function": {"name": "…"}}. Gemini honours all four (toolConfig); Ollama has no such option and treats "required" and a named function as "auto". Other values are a 400.',
  })
  @Allow()
  tool_choice?: unknown;

  // Accepted for compatibility, not used.
  // OpenAI's ranges (https://platform.openai.com/docs/api-reference/chat/create): a value outside is refused there too.
  @ApiPropertyOptional({ minimum: -2, maximum: 2, description: 'Accepted, not used.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-2)
  @Max(2)
  frequency_penalty?: number;
  @ApiPropertyOptional({ minimum: -2, maximum: 2, description: 'Accepted, not used.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-2)
  @Max(2)
  presence_penalty?: number;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsInt() seed?: number;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsObject() logit_bias?: Record<string, number>;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsObject() response_format?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsBoolean() parallel_tool_calls?: boolean;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsBoolean() logprobs?: boolean;
  @ApiPropertyOptional({ minimum: 0, maximum: 20, description: 'Accepted, not used.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  top_logprobs?: number;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsObject() metadata?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Accepted, not used (nothing is stored unless x-nitro-session-id is sent).' })
  @IsOptional()
  @IsBoolean()
  store?: boolean;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsString() service_tier?: string;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsString() reasoning_effort?: string;
}

export class OpenAiErrorDetailDto {
  @ApiProperty({ example: 'The model `gpt-4o` does not exist. Models: local/stories260K' })
  message!: string;
  @ApiProperty({ example: 'invalid_request_error' })
  type!: string;
  @ApiPropertyOptional({ example: 'model', nullable: true })
  param!: string | null;
  @ApiPropertyOptional({ example: 'model_not_found', nullable: true })
  code!: string | null;
}

/** Every /v1 error, as OpenAI's SDKs read it. */
export class OpenAiErrorDto {
  @ApiProperty({ type: OpenAiErrorDetailDto })
  error!: OpenAiErrorDetailDto;
}

export const IMAGE_SIZE_PATTERN = /^(\d{2,4})x(\d{2,4})$/;

export class ImageGenerationRequestDto {
  @ApiProperty({ example: 'a lighthouse on a cliff at dusk', maxLength: 2000 })
  @IsString()
  @MaxLength(2000)
  prompt!: string;

  @ApiPropertyOptional({
    example: 'procedural',
    description:
      'dall-e-2 / dall-e-3 / omitted: the configured image provider chain; or one of our providers (automatic1111, openai, stability, huggingface, procedural).',
  })
  @IsOptional()
  @ModelName(64)
  model?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 4, example: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(4)
  n?: number;

  @ApiPropertyOptional({ example: '256x256', description: 'WIDTHxHEIGHT, each 64-1536 and a multiple of 8.' })
  @IsOptional()
  @IsString()
  size?: string;

  @ApiPropertyOptional({
    enum: ['url', 'b64_json'],
    example: 'b64_json',
    description: 'url: a gallery download path (send the same Authorization header).',
  })
  @IsOptional()
  @IsIn(['url', 'b64_json'], { message: 'response_format must be one of: url, b64_json' })
  response_format?: 'url' | 'b64_json';

  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsString() quality?: string;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsString() style?: string;
  @ApiPropertyOptional({ description: 'Accepted, not used.' }) @IsOptional() @IsString() @MaxLength(256) user?: string;
}

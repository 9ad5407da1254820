import { ArrayMaxSize, IsArray, IsBase64, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_ATTACHMENT_NAME } from './chat-attachment.dto';
import { NestedObjects } from '../common/nested.validators';

/**
 * Image types a chat message may carry to a vision model: what Ollama's vision models and Gemini both read
 * (https://ai.google.dev/gemini-api/docs/image-understanding lists PNG, JPEG, WEBP, HEIC, HEIF; Ollama decodes
 * PNG, JPEG, WebP and GIF). The gateway decides the type from the bytes, never from a name or a claimed type.
 */
export const CHAT_IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type ChatImageMime = (typeof CHAT_IMAGE_MIMES)[number];

/** At most this many images on one message (a chat turn, or one /v1 request in all). */
export const MAX_IMAGES_PER_MESSAGE = 4;

/**
 * Hard ceiling on one image's base64 on the wire (32 MiB of bytes); the gateway's CHAT_ATTACHMENT_MAX_IMAGE_BYTES
 * (5 MiB by default) is the real, lower cap.
 */
export const MAX_IMAGE_BASE64_CHARS = Math.ceil((32 * 1024 * 1024) / 3) * 4;

/**
 * One image on a message as ai-router receives it (ChatCommand.images, CompletionMessage.images) and hands it
 * to a provider that reads images: Ollama's `images: [<base64>]` on the message
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-images), Gemini's `inline_data` part
 * (https://ai.google.dev/gemini-api/docs/image-understanding). Bytes travel as base64 (standard alphabet, padded).
 */
export class ChatImageDto {
  @IsIn(CHAT_IMAGE_MIMES as unknown as string[], { message: `mime must be one of: ${CHAT_IMAGE_MIMES.join(', ')}` })
  mime!: ChatImageMime;

  @IsString()
  @MaxLength(MAX_IMAGE_BASE64_CHARS, { message: 'data must be at most 32 MiB of image (base64)' })
  @IsBase64(undefined, { message: 'data must be base64 (standard alphabet, padded)' })
  data!: string;

  /** The file name as uploaded (chat turns): stored in history as the image's chip; the bytes are not stored. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ATTACHMENT_NAME)
  name?: string;
}

/** Whether a mime type is one a chat image may have. */
export function isChatImageMime(mime: string): mime is ChatImageMime {
  return (CHAT_IMAGE_MIMES as readonly string[]).includes(mime);
}

/**
 * The `images` rules of a message, shared by ChatCommand and CompletionMessage: optional, at most
 * MAX_IMAGES_PER_MESSAGE, each a valid ChatImageDto.
 */
export function ChatImages(): PropertyDecorator {
  const rules: PropertyDecorator[] = [
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_IMAGES_PER_MESSAGE, { message: `images must hold at most ${MAX_IMAGES_PER_MESSAGE} images` }),
    NestedObjects(() => ChatImageDto),
  ];
  // Applied bottom-up, as the same decorators stacked on the property would be.
  return (target, key) => [...rules].reverse().forEach((rule) => rule(target, key));
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { MaxChars } from '../common/text.validators';

/**
 * What an attachment is: text from a text-like file (txt, md, csv, json, code…) or a PDF's text layer; or an image
 * (PNG, JPEG, WebP, GIF) that goes as it is to a model that reads images.
 */
export const ATTACHMENT_KINDS = ['text', 'pdf', 'image'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];
/** The kinds whose text goes to the model (ChatAttachmentTextDto); images travel as ChatImageDto. */
export const TEXT_ATTACHMENT_KINDS = ['text', 'pdf'] as const;
export type TextAttachmentKind = (typeof TEXT_ATTACHMENT_KINDS)[number];

/** At most this many attachments on one message (ChatRequestDto.attachments). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 4;
/** Attachment ids: 22 base64url characters (16 random bytes). */
export const ATTACHMENT_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** Hard ceiling on one attachment's text on the wire; the gateway's CHAT_ATTACHMENT_MAX_CHARS is the real (lower) cap. */
export const MAX_ATTACHMENT_TEXT_CHARS = 1_000_000;
/** Longest attachment name kept (the file name as uploaded, control characters removed). */
export const MAX_ATTACHMENT_NAME = 255;

/**
 * One uploaded file's extracted text, per user, for CHAT_ATTACHMENT_TTL_S. The `{u:<user>}` hash tag puts it in
 * the user's Redis Cluster slot with their conversations (docs/adr/0009-redis-cluster.md): MGET of a message's
 * attachments touches one slot. Value: a StoredAttachment as JSON (an image's bytes as base64 in it).
 */
export const chatAttachmentKey = (userId: string, attachmentId: string) => `nitro:chat:att:{u:${userId}}:${attachmentId}`;

/** 201 of POST /chat/attachments. */
export class ChatAttachmentDto {
  @ApiProperty({
    example: 'aB3dE5fG7hJ9kL1mN3pQ5r',
    description: 'Send it in ChatRequestDto.attachments (yours only; expires after CHAT_ATTACHMENT_TTL_S).',
  })
  attachment_id!: string;
  @ApiProperty({ example: 'notes.md', description: 'The file name as uploaded (control characters removed, at most 255 characters).' })
  name!: string;
  @ApiProperty({
    enum: ATTACHMENT_KINDS,
    description:
      'text: decoded text (UTF-8/16 or Windows-1252); pdf: the text layer of its pages; image: PNG, JPEG, WebP or GIF, sent as it is to a model that reads images.',
  })
  kind!: AttachmentKind;
  @ApiProperty({ example: 1834, description: 'Characters of extracted text (Unicode code points); 0 for an image.' })
  chars!: number;
  @ApiProperty({ description: 'The reader cut the text (PDF: more pages than the agents read, or a page over its per-page limit).' })
  truncated!: boolean;
  @ApiPropertyOptional({ example: 'image/png', description: 'Images: the type read from the bytes.' })
  mime?: string;
  @ApiPropertyOptional({ example: 48213, description: "Images: the file's size in bytes (at most CHAT_ATTACHMENT_MAX_IMAGE_BYTES)." })
  bytes?: number;
}

/** What the gateway stores per attachment (chatAttachmentKey) and hands ai-router with a message. */
export class ChatAttachmentTextDto {
  @IsString()
  @MaxLength(MAX_ATTACHMENT_NAME)
  name!: string;

  @IsIn(TEXT_ATTACHMENT_KINDS as unknown as string[])
  kind!: TextAttachmentKind;

  @IsString()
  @MaxChars(MAX_ATTACHMENT_TEXT_CHARS)
  text!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  chars?: number;

  @IsOptional()
  @IsBoolean()
  truncated?: boolean;
}

/**
 * An attachment as stored with the user's message in conversation memory (and returned by GET /chat/history).
 * An image is stored by name only (kind image, chars 0, text ''): its bytes are not kept, and later turns do not
 * send it again (the model is told it was there).
 */
export class ChatMessageAttachmentDto {
  @ApiProperty({ example: 'notes.md' })
  name!: string;
  @ApiProperty({ enum: ATTACHMENT_KINDS })
  kind!: AttachmentKind;
  @ApiProperty({ description: 'Characters of text (code points); 0 for an image.' })
  chars!: number;
  @ApiPropertyOptional({ description: 'The reader cut the text.' })
  truncated?: boolean;
  @ApiProperty({ description: "The extracted text, as the model saw it (replayed with the message in later turns); '' for an image." })
  text!: string;
}

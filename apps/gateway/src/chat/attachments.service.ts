import { BadRequestException, HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  codePointLength,
  cutCodePoints,
  ERROR_CODE,
  hasVisibleContent,
  isChatImageMime,
  MAX_ATTACHMENT_NAME,
  type ChatAttachmentDto,
  type ChatAttachmentTextDto,
  type ChatImageDto,
  type TextAttachmentKind,
} from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import { decodeText, detectFileType, type DetectedFileType } from '@nitro/service-kit';
import type { AuthUser } from '../auth/auth-user';
import type { UploadedFile } from '../agents/agent-upload';
import { AgentsService } from '../agents/agents.service';
import { AttachmentsRepository, type StoredTextAttachment } from './attachments.repository';

/** Signatures file-type knows that are still text (XML, calendars, subtitles, RTF): decoded like any text file. */
const TEXT_FORMATS = new Set(['application/xml', 'application/rtf', 'text/calendar', 'text/vcard', 'text/vtt']);

interface Extracted {
  kind: TextAttachmentKind;
  text: string;
  truncated: boolean;
}

/** A message's attachments as ai-router takes them: text to put before the message, images to send with it. */
export interface ResolvedAttachments {
  texts: ChatAttachmentTextDto[];
  images: ChatImageDto[];
}

/** The agents' PDF reader's answer (apps/agents/src/file-analyzer/readers/pdf.reader.ts), the part used here. */
interface PdfDetails {
  pages: number;
  pages_read: number;
  text_pages: { page: number; chars: number; text: string }[];
}

/**
 * Chat attachments: a file's text is extracted once at upload, kept per user for CHAT_ATTACHMENT_TTL_S, and
 * resolved by id when a message names it. The type comes from the bytes (file-type), never from the name:
 * text-like files are decoded here with the house decoder; PDFs are read by the agents service's PDF reader
 * over the transport (analyze_file without the LLM pass); images (PNG, JPEG, WebP, GIF) are kept as they are
 * (base64) and go with the message to a model that reads images (ai-router decides, 400 IMAGES_NOT_SUPPORTED there).
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly env: GatewayEnv,
    private readonly repo: AttachmentsRepository,
    private readonly agents: AgentsService,
  ) {}

  /**
   * POST /chat/attachments. An image (PNG, JPEG, WebP, GIF by its bytes) is kept as it is: 413 PAYLOAD_TOO_LARGE naming
   * `file` over CHAT_ATTACHMENT_MAX_IMAGE_BYTES. @throws 415 for a type that is not text, PDF or one of those images
   * (naming the detected type); 400 naming `file` when it holds no text or more than CHAT_ATTACHMENT_MAX_CHARS;
   * 422 for a PDF without a text layer.
   */
  async upload(user: AuthUser, file: UploadedFile): Promise<ChatAttachmentDto> {
    const name = cleanName(file.filename);
    const found = await detectFileType(file.bytes);
    if (found && isChatImageMime(found.mime)) return this.image(user, file.bytes, name, found.mime);
    const { kind, text, truncated } = await this.extract(user, file.bytes, name, found);
    const chars = codePointLength(text);
    const max = this.env.CHAT_ATTACHMENT_MAX_CHARS;
    if (chars > max)
      throw new BadRequestException({
        error: ERROR_CODE.TEXT_TOO_LONG,
        message: `file: "${name}" holds ${chars} characters of text; an attachment may hold at most ${max} (CHAT_ATTACHMENT_MAX_CHARS). Attach a smaller part.`,
      });
    if (!hasVisibleContent(text))
      throw new BadRequestException({ error: ERROR_CODE.VALIDATION_FAILED, message: `file: "${name}" has no text to add` });
    const attachment_id = randomBytes(16).toString('base64url');
    await this.repo.put(user.id, attachment_id, { name, kind, text, chars, truncated }, this.env.CHAT_ATTACHMENT_TTL_S);
    return { attachment_id, name, kind, chars, truncated };
  }

  /**
   * The caller's attachments by id, for a message: texts in order, images in order (each with its name for the
   * history chip). Keyed by the caller, so another user's id is simply not found. @throws 404 naming the position
   * of an unknown or expired id; 400 naming `attachments` when their text together is over CHAT_ATTACHMENTS_MAX_CHARS.
   */
  async resolve(user: AuthUser, ids: string[]): Promise<ResolvedAttachments> {
    const found = await this.repo.get(user.id, ids);
    const missing = found.findIndex((a) => !a);
    if (missing >= 0)
      throw new NotFoundException({
        error: ERROR_CODE.NOT_FOUND,
        message: `attachments[${missing}] is unknown or has expired (after ${this.env.CHAT_ATTACHMENT_TTL_S} s): attach the file again`,
      });
    const images: ChatImageDto[] = [];
    const list: StoredTextAttachment[] = [];
    for (const a of found) {
      if (a?.kind === 'image') images.push({ mime: a.mime, data: a.data, name: a.name });
      else if (a) list.push(a);
    }
    const total = list.reduce((n, a) => n + (a.chars ?? codePointLength(a.text)), 0);
    const max = this.env.CHAT_ATTACHMENTS_MAX_CHARS;
    if (total > max)
      throw new BadRequestException({
        error: ERROR_CODE.TEXT_TOO_LONG,
        message: `attachments: ${total} characters of text together; a message may carry at most ${max} (CHAT_ATTACHMENTS_MAX_CHARS). Send fewer or smaller files.`,
      });
    return { texts: list, images };
  }

  /** Kept as base64 (what both Ollama and Gemini take); which model can read it is decided when it is sent. */
  private async image(user: AuthUser, bytes: Buffer, name: string, mime: ChatImageDto['mime']): Promise<ChatAttachmentDto> {
    const max = this.env.CHAT_ATTACHMENT_MAX_IMAGE_BYTES;
    if (bytes.length > max)
      throw new HttpException(
        {
          error: ERROR_CODE.PAYLOAD_TOO_LARGE,
          message: `file: "${name}" is an image of ${bytes.length} bytes; an image may have at most ${max} (CHAT_ATTACHMENT_MAX_IMAGE_BYTES). Attach a smaller or scaled-down image.`,
        },
        HttpStatus.PAYLOAD_TOO_LARGE,
      );
    const attachment_id = randomBytes(16).toString('base64url');
    const data = bytes.toString('base64');
    await this.repo.put(user.id, attachment_id, { name, kind: 'image', mime, data, bytes: bytes.length }, this.env.CHAT_ATTACHMENT_TTL_S);
    return { attachment_id, name, kind: 'image', chars: 0, truncated: false, mime, bytes: bytes.length };
  }

  private async extract(user: AuthUser, bytes: Buffer, name: string, found: DetectedFileType | undefined): Promise<Extracted> {
    if (found?.ext === 'pdf') return this.pdf(user, bytes, name);
    if (found && !found.mime.startsWith('text/') && !TEXT_FORMATS.has(found.mime)) throw unsupported(name, found);
    const decoded = decodeText(bytes);
    if (!decoded) throw unsupported(name, undefined);
    return { kind: 'text', text: decoded.text, truncated: false };
  }

  /** The agents service reads the PDF (pdf.js in its parse workers): the one PDF reader of the house. */
  private async pdf(user: AuthUser, bytes: Buffer, name: string): Promise<Extracted> {
    const analysis = await this.agents.analyzeUpload(user, { bytes, filename: name, fields: {} }, { llm: false });
    const pdf = analysis.details.pdf as PdfDetails | undefined;
    if (!pdf) throw unsupported(name, { ext: analysis.type.kind, mime: analysis.type.mime });
    const pages = pdf.text_pages.filter((p) => p.text.trim());
    if (!pages.length)
      throw new HttpException(
        {
          error: ERROR_CODE.UNREADABLE_FILE,
          message: `file: "${name}" has no text layer (scanned pages are images); attach a PDF with text, or the text itself`,
        },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    return {
      kind: 'pdf',
      // Page markers let the model (and the person) say where something was.
      text: pages.map((p) => `[page ${p.page}]\n${p.text}`).join('\n\n'),
      truncated: pdf.pages_read < pdf.pages || pdf.text_pages.some((p) => p.chars > p.text.length),
    };
  }
}

function unsupported(name: string, found: DetectedFileType | undefined): HttpException {
  const what = found ? `${found.mime} (${found.ext})` : 'binary data of no known type';
  return new HttpException(
    {
      error: ERROR_CODE.UNSUPPORTED_MEDIA_TYPE,
      message: `file: "${name}" is ${what}; attach a text file (txt, md, csv, json, code), a PDF, or an image (PNG, JPEG, WebP, GIF)`,
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}

/** The upload's name as shown on chips and to the model: no control characters, bounded. */
function cleanName(filename: string | undefined): string {
  const name = (filename ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return cutCodePoints(name, MAX_ATTACHMENT_NAME) || 'attachment';
}

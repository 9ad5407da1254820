import { BadRequestException, HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  codePointLength,
  cutCodePoints,
  ERROR_CODE,
  hasVisibleContent,
  MAX_ATTACHMENT_NAME,
  type AttachmentKind,
  type ChatAttachmentDto,
  type ChatAttachmentTextDto,
} from '@nitro/contracts';
import { GatewayEnv } from '@nitro/config';
import { decodeText, detectFileType, type DetectedFileType } from '@nitro/service-kit';
import type { AuthUser } from '../auth/auth-user';
import type { UploadedFile } from '../agents/agent-upload';
import { AgentsService } from '../agents/agents.service';
import { AttachmentsRepository } from './attachments.repository';

/** Signatures file-type knows that are still text (XML, calendars, subtitles, RTF): decoded like any text file. */
const TEXT_FORMATS = new Set(['application/xml', 'application/rtf', 'text/calendar', 'text/vcard', 'text/vtt']);

interface Extracted {
  kind: AttachmentKind;
  text: string;
  truncated: boolean;
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
 * over the transport (analyze_file without the LLM pass); images are refused (no provider is given images yet).
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly env: GatewayEnv,
    private readonly repo: AttachmentsRepository,
    private readonly agents: AgentsService,
  ) {}

  /**
   * POST /chat/attachments. @throws 400 IMAGES_NOT_SUPPORTED for an image; 415 for a type that is not text or
   * PDF (naming the detected type); 400 naming `file` when it holds no text or more than CHAT_ATTACHMENT_MAX_CHARS;
   * 422 for a PDF without a text layer.
   */
  async upload(user: AuthUser, file: UploadedFile): Promise<ChatAttachmentDto> {
    const name = cleanName(file.filename);
    const { kind, text, truncated } = await this.extract(user, file.bytes, name);
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
   * The caller's attachments by id, for a message. Keyed by the caller, so another user's id is simply not
   * found. @throws 404 naming the position of an unknown or expired id; 400 naming `attachments` when their
   * text together is over CHAT_ATTACHMENTS_MAX_CHARS.
   */
  async resolve(user: AuthUser, ids: string[]): Promise<ChatAttachmentTextDto[]> {
    const found = await this.repo.get(user.id, ids);
    const missing = found.findIndex((a) => !a);
    if (missing >= 0)
      throw new NotFoundException({
        error: ERROR_CODE.NOT_FOUND,
        message: `attachments[${missing}] is unknown or has expired (after ${this.env.CHAT_ATTACHMENT_TTL_S} s): attach the file again`,
      });
    const list = found as ChatAttachmentTextDto[];
    const total = list.reduce((n, a) => n + (a.chars ?? codePointLength(a.text)), 0);
    const max = this.env.CHAT_ATTACHMENTS_MAX_CHARS;
    if (total > max)
      throw new BadRequestException({
        error: ERROR_CODE.TEXT_TOO_LONG,
        message: `attachments: ${total} characters of text together; a message may carry at most ${max} (CHAT_ATTACHMENTS_MAX_CHARS). Send fewer or smaller files.`,
      });
    return list;
  }

  private async extract(user: AuthUser, bytes: Buffer, name: string): Promise<Extracted> {
    const found = await detectFileType(bytes);
    if (found?.ext === 'pdf') return this.pdf(user, bytes, name);
    if (found?.mime.startsWith('image/'))
      throw new BadRequestException({
        error: ERROR_CODE.IMAGES_NOT_SUPPORTED,
        message: `file: "${name}" is an image (${found.mime}). Images are not sent to the chat models on this server yet; describe it in words, or attach text or a PDF.`,
      });
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
      message: `file: "${name}" is ${what}; attach a text file (txt, md, csv, json, code) or a PDF`,
    },
    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  );
}

/** The upload's name as shown on chips and to the model: no control characters, bounded. */
function cleanName(filename: string | undefined): string {
  const name = (filename ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return cutCodePoints(name, MAX_ATTACHMENT_NAME) || 'attachment';
}

import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ERROR_CODE } from '@nitro/contracts';
import type { UploadReader } from '../common/request-params.decorators';

export interface UploadedFile {
  bytes: Buffer;
  filename?: string;
  /** Form fields sent before the file part. */
  fields: Record<string, string>;
}

/** The route's UploadReader: one file, at most AGENTS_MAX_UPLOAD_BYTES. */
export const fileUpload: UploadReader<UploadedFile> = (req, env) => readUpload(req, env.AGENTS_MAX_UPLOAD_BYTES);

/**
 * Reads the one file of a multipart request into memory, stopping at `maxBytes` (413, naming `limitName`). Every way
 * of sending nothing useful is a 400 that says what to send.
 */
export async function readUpload(req: FastifyRequest, maxBytes: number, limitName = 'AGENTS_MAX_UPLOAD_BYTES'): Promise<UploadedFile> {
  if (!req.isMultipart())
    throw new BadRequestException({
      error: ERROR_CODE.BAD_CONTENT_TYPE,
      message: 'send the file as multipart/form-data in a field named "file"',
    });
  const part = await req.file({ limits: { fileSize: maxBytes } });
  if (!part)
    throw new BadRequestException({
      error: ERROR_CODE.VALIDATION_FAILED,
      message: 'file is required: send it as multipart/form-data in a field named "file"',
    });
  if (part.fieldname !== 'file')
    throw new BadRequestException({
      error: ERROR_CODE.VALIDATION_FAILED,
      message: `file must be sent in a field named "file" (got "${part.fieldname}")`,
    });
  let bytes: Buffer;
  try {
    bytes = await part.toBuffer();
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new PayloadTooLargeException({
        error: ERROR_CODE.PAYLOAD_TOO_LARGE,
        message: `file is larger than ${maxBytes} bytes (${limitName})`,
      });
    throw err;
  }
  if (!bytes.length)
    throw new BadRequestException({ error: ERROR_CODE.VALIDATION_FAILED, message: 'file is empty: there is nothing to analyse' });
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(part.fields ?? {})) {
    const value = Array.isArray(field) ? field[0] : field;
    if (value && (value as { type?: string }).type === 'field') fields[name] = String((value as { value?: unknown }).value ?? '');
  }
  return { bytes, filename: part.filename || undefined, fields };
}

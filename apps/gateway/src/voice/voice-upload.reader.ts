import '@fastify/multipart';
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { AUDIO_INPUT_DESCRIPTION, audioInputKind, audioInputKindOfFormat, type AudioInputKind, ERROR_CODE } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { detectFileType, type DetectedFileType, flattenValidationErrors } from '@nitro/service-kit';
import type { UploadReader } from '../common/request-params.decorators';
import { canonicalizeUserIds } from '../auth/user-identity';

export interface VoiceUpload<F> {
  fields: F;
  /** `mimetype` is what the bytes are; `declared_type` what the client said, when that differed. */
  file: { filename: string; mimetype: string; bytes: Buffer; declared_type?: string };
}

const CANONICAL_MIME: Record<AudioInputKind, string> = {
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
};
const EXECUTABLES: Record<string, string> = {
  exe: 'a Windows executable (PE)',
  macho: 'a Mach-O executable',
  elf: 'an ELF executable',
  wasm: 'a WebAssembly module',
  class: 'a Java class file',
};

function describe(found: DetectedFileType | undefined): string {
  if (!found) return 'not a known audio container';
  return EXECUTABLES[found.ext] ?? `${found.mime} (${found.ext})`;
}

/**
 * The upload's type comes from its bytes (file-type, as in the agents file analyzer), never from the
 * label: a WAV sent as application/octet-stream is a WAV, an executable named song.mp3 is a 415 that
 * says what it is. A label that disagrees with the bytes is reported (log, `declared_type`).
 */
async function typedByBytes(file: VoiceUpload<unknown>['file']): Promise<VoiceUpload<unknown>['file']> {
  const found = await detectFileType(file.bytes);
  const actual = audioInputKindOfFormat(found?.ext);
  const declared = `"${file.mimetype || 'no type'}" (${file.filename || 'no file name'})`;
  if (!actual) {
    throw new HttpException(
      {
        error: ERROR_CODE.UNSUPPORTED_MEDIA_TYPE,
        message: `audio: the file is ${describe(found)}, declared ${declared}: send ${AUDIO_INPUT_DESCRIPTION}`,
      },
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    );
  }
  if (audioInputKind(file.mimetype, file.filename) === actual) return { ...file, mimetype: CANONICAL_MIME[actual] };
  getLogger().warn(
    { declared: file.mimetype, filename: file.filename, actual },
    'audio upload: the declared type differs from the bytes (the bytes win)',
  );
  return { ...file, mimetype: CANONICAL_MIME[actual], declared_type: file.mimetype || 'none' };
}

/** Field names accepted for the audio part: the seed's PWA sends `audio`, many clients send `file`. */
const FILE_FIELDS = new Set(['audio', 'file']);

/** The route's UploadReader for an audio upload with the fields `fieldsType` (limit: VOICE_MAX_UPLOAD_BYTES). */
export function audioUpload<F extends object>(fieldsType: new () => F): UploadReader<VoiceUpload<F>> {
  return (req, env) => readVoiceUpload(req, env.VOICE_MAX_UPLOAD_BYTES, fieldsType);
}

/**
 * Reads a multipart upload: one audio file (at most `maxBytes`, counted while streaming) plus text
 * fields in any order, validated by the DTO `fieldsType`. Every refusal names the field: empty or
 * missing file 400, too large 413, a type we do not take 415, a bad field 400.
 */
export async function readVoiceUpload<F extends object>(
  req: FastifyRequest,
  maxBytes: number,
  fieldsType: new () => F,
): Promise<VoiceUpload<F>> {
  if (!req.isMultipart()) {
    throw new BadRequestException({
      error: ERROR_CODE.BAD_CONTENT_TYPE,
      message: 'Content-Type must be multipart/form-data with the audio file in a field named "audio"',
    });
  }
  const raw: Record<string, string> = {};
  let file: VoiceUpload<F>['file'] | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1 } })) {
      if (part.type === 'field') {
        raw[part.fieldname] = String(part.value);
        continue;
      }
      if (!FILE_FIELDS.has(part.fieldname)) {
        part.file.resume();
        throw new BadRequestException({
          error: ERROR_CODE.VALIDATION_FAILED,
          message: `unexpected file field "${part.fieldname}": send the audio as "audio"`,
        });
      }
      file = { filename: part.filename, mimetype: part.mimetype, bytes: await part.toBuffer() };
    }
  } catch (err) {
    throw uploadError(err, maxBytes);
  }
  if (!file)
    throw new BadRequestException({ error: ERROR_CODE.VALIDATION_FAILED, message: 'audio: a file is required (multipart field "audio")' });
  if (file.bytes.length === 0)
    throw new BadRequestException({ error: ERROR_CODE.EMPTY_AUDIO, message: 'audio: the uploaded file is empty' });
  file = await typedByBytes(file);
  canonicalizeUserIds({ body: raw });
  const fields = plainToInstance(fieldsType, raw);
  const errors = await validate(fields, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length)
    throw new BadRequestException({ error: ERROR_CODE.VALIDATION_FAILED, message: flattenValidationErrors(errors).join('; ') });
  return { fields, file };
}

/** Multipart's own errors carry a statusCode; say which limit was hit in words. */
function uploadError(err: unknown, maxBytes: number): unknown {
  if (err instanceof HttpException) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e?.code === 'FST_REQ_FILE_TOO_LARGE') {
    return new HttpException(
      {
        error: ERROR_CODE.PAYLOAD_TOO_LARGE,
        message: `audio is larger than the limit of ${maxBytes} bytes (${Math.round(maxBytes / 1024 / 1024)} MB)`,
      },
      HttpStatus.PAYLOAD_TOO_LARGE,
    );
  }
  if (e?.code === 'FST_FILES_LIMIT')
    return new BadRequestException({ error: ERROR_CODE.VALIDATION_FAILED, message: 'send exactly one audio file' });
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return new BadRequestException({ error: e.code ?? 'BAD_MULTIPART', message: `multipart body: ${e.message}` });
  return err;
}

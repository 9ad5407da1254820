import { BadRequestException } from '@nestjs/common';
import { ERROR_CODE } from '@nitro/contracts';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
const MULTIPART = /^multipart\/form-data\s*(;|$)/i;

/**
 * Request bodies are JSON, or multipart/form-data on routes that declare it (@ApiConsumes).
 * Nest's Fastify adapter also parses application/x-www-form-urlencoded, which is how a foreign
 * page's <form> posts without a CORS preflight: refused here on every route.
 */
export function assertContentType(contentType: string | undefined, consumes: string[] | undefined): void {
  if (!contentType) return; // no body, or a body the validation pipe will refuse by shape
  if (JSON_TYPE.test(contentType)) return;
  if (MULTIPART.test(contentType) && consumes?.includes('multipart/form-data')) return;
  const expected = consumes?.includes('multipart/form-data') ? 'multipart/form-data' : 'application/json';
  throw new BadRequestException({
    error: ERROR_CODE.BAD_CONTENT_TYPE,
    message: `Content-Type must be ${expected} on this route (got ${contentType.slice(0, 80)})`,
  });
}

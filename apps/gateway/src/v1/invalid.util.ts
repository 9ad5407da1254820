import { BadRequestException } from '@nestjs/common';
import { ERROR_CODE } from '@nitro/contracts';

/** A 400 in our shape that the /v1 error hook turns into OpenAI's, naming `param`. */
export function invalid(param: string, message: string, code: string = ERROR_CODE.VALIDATION_FAILED): BadRequestException {
  return new BadRequestException({ error: code, message, details: { param } });
}

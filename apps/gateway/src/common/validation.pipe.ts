import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors } from '@nitro/service-kit';
import { ERROR_CODE } from '@nitro/contracts';

/** A JSON body that is an array, a string or null is refused as a whole before field checks. */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (
      metadata.type === 'body' &&
      metadata.metatype &&
      metadata.metatype !== Object &&
      (value === null || typeof value !== 'object' || Array.isArray(value))
    ) {
      throw new BadRequestException({ error: ERROR_CODE.VALIDATION_FAILED, message: 'body must be a JSON object' });
    }
    return super.transform(value, metadata);
  }
}

/** Whitelist + forbid unknown fields; every message names the field. */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new BadRequestException({
        error: ERROR_CODE.VALIDATION_FAILED,
        message: flattenValidationErrors(errors).join('; ') || 'invalid request body',
      }),
  });
}

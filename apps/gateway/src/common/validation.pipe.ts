import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Flattens nested class-validator errors into "options.temperature must not be greater than 2". */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `${path}${m.slice(e.property.length)}` : `${path}: ${m}`));
    return [...own, ...flattenValidationErrors(e.children ?? [], path)];
  });
}

/** A JSON body that is an array, a string or null is refused as a whole before field checks. */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new BadRequestException({ error: 'VALIDATION_FAILED', message: 'body must be a JSON object' });
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
      new BadRequestException({ error: 'VALIDATION_FAILED', message: flattenValidationErrors(errors).join('; ') || 'invalid request body' }),
  });
}

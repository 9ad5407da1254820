import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { ERROR_CODES } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `${path}${m.slice(e.property.length)}` : `${path}: ${m}`));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * The gateway validates at the edge, but other services call search over the transport too:
 * every command is checked again here and refused with a 400 naming the field.
 */
export async function validateCommand<T extends object>(cls: new () => T, data: unknown): Promise<T> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ServiceError(400, ERROR_CODES.validation, 'the search command must be an object');
  const instance = plainToInstance(cls, data);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length) throw new ServiceError(400, ERROR_CODES.validation, flatten(errors).join('; '));
  return instance;
}

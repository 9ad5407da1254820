import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, ValidationError } from 'class-validator';
import { ERROR_CODES } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';

// Keys @nestjs/swagger stores @ApiProperty under; reading them keeps one source of truth (the DTO).
const PROPS_ARRAY = 'swagger/apiModelPropertiesArray';
const PROP = 'swagger/apiModelProperties';
const COPIED = [
  'description',
  'enum',
  'example',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'additionalProperties',
];

function jsonType(t: unknown, validators: Set<string>): string | undefined {
  if (validators.has('isInt')) return 'integer';
  if (t === String) return 'string';
  if (t === Number) return 'number';
  if (t === Boolean) return 'boolean';
  if (t === Object || t === 'object') return 'object';
  return typeof t === 'string' ? t : undefined;
}

/** JSON Schema of a task's `data`, from the DTO's Swagger and class-validator metadata. */
export function describeInput(cls: Type<object>): Record<string, unknown> {
  const validators = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const names: string[] = (Reflect.getMetadata(PROPS_ARRAY, cls.prototype) ?? []).map((k: string) => k.replace(/^:/, ''));
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const name of [...new Set(names)]) {
    const meta = (Reflect.getMetadata(PROP, cls.prototype, name) ?? {}) as Record<string, unknown>;
    const own = new Set(validators.filter((v) => v.propertyName === name).map((v) => v.name ?? ''));
    const schema: Record<string, unknown> = {};
    const type = jsonType(meta.type, own);
    if (type) schema.type = type;
    for (const key of COPIED)
      if (meta[key] !== undefined)
        schema[key] = key === 'pattern' && meta[key] instanceof RegExp ? (meta[key] as RegExp).source : meta[key];
    properties[name] = schema;
    if (meta.required !== false) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** "data.code must be a string", including nested fields, like the gateway's messages. */
function flatten(errors: ValidationError[], parent: string): string[] {
  return errors.flatMap((e) => {
    const path = `${parent}.${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? `${path}${m.slice(e.property.length)}` : `${path}: ${m}`,
    );
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Validates a task's `data` against its DTO; a 400 naming every bad field otherwise. */
export async function validateInput<T extends object>(cls: Type<T>, data: unknown, label = 'data'): Promise<T> {
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ServiceError(400, ERROR_CODES.validation, `${label} must be a JSON object`);
  if (!getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).length) {
    // A task without inputs: class-validator would call any object "unknown", so check here.
    const extra = Object.keys(data);
    if (extra.length) throw new ServiceError(400, ERROR_CODES.validation, `${label}.${extra[0]}: this task takes no input`);
    return new cls();
  }
  const instance = plainToInstance(cls, data, { enableImplicitConversion: false });
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length) throw new ServiceError(400, ERROR_CODES.validation, flatten(errors, label).join('; '));
  return instance;
}

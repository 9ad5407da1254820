import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ServiceError } from './service-error';
import { memoizeValidationMetadata } from './validation-metadata-cache';
import { passesValidation } from './validation-fast-path';

// Every class-validator run in a service goes through this module or the gateway's pipe, which imports it.
memoizeValidationMetadata();

/** class-validator's type checks (rule names): when one fails, the field's other rules say nothing new. */
const TYPE_RULES = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isArray', 'isObject']);

/**
 * Flattens nested class-validator errors into messages that start with the field's path:
 * "options.temperature must not be greater than 2". The gateway's body pipe and every RPC
 * payload check use this one function, so a field is named the same way everywhere.
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    // A value of the wrong type (or none) fails every rule of its field: say only what type is expected, not
    // "must be at most 32000 characters; must not be empty; must be a string".
    const constraints = Object.entries(e.constraints ?? {});
    const typeRules = constraints.filter(([rule]) => TYPE_RULES.has(rule));
    // Several rules of one field may share a message ("index must be an integer from 0" for IsInt and Min): say it once.
    const own = [...new Set((typeRules.length ? typeRules : constraints).map(([, m]) => m))].map((m) =>
      m.startsWith(e.property) ? `${path}${m.slice(e.property.length)}` : `${path}: ${m}`,
    );
    return [...own, ...flattenValidationErrors(e.children ?? [], path)];
  });
}

/**
 * The one validation path for RPC payloads: the gateway validates at the edge, but services call
 * each other over the transport too, so every handler checks its command against the contract's
 * class-validator DTO again (whitelist, unknown fields refused).
 * @returns the payload as an instance of `cls`
 * @throws ServiceError 400 VALIDATION_FAILED whose message names every bad field; `what` names the
 *   command when the payload is not a JSON object at all.
 */
export function validateDto<T extends object>(cls: new () => T, payload: unknown, what = 'the command'): T {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    throw new ServiceError(400, 'VALIDATION_FAILED', `${what} must be a JSON object`);
  const instance = plainToInstance(cls, payload);
  if (passesValidation(instance)) return instance;
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  if (errors.length) throw new ServiceError(400, 'VALIDATION_FAILED', flattenValidationErrors(errors).join('; '));
  return instance;
}

import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown at start when the environment is wrong; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Ctor<T> = new () => T;

/**
 * Reads the environment into a typed, validated object. Property names are the variable names,
 * so an error names exactly what to fix. `NAME_FILE` (a mounted secret) is read when `NAME` is unset.
 */
export function loadConfig<T extends object>(cls: Ctor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(defaults)) {
    let value = env[key];
    const fileVar = env[`${key}_FILE`];
    if ((value === undefined || value === '') && fileVar) {
      try {
        value = readFileSync(fileVar, 'utf8').trim();
      } catch (e) {
        problems.push(`${key}_FILE: cannot read ${fileVar} (${(e as Error).message})`);
      }
    }
    if (value !== undefined && value !== '')
      raw[key] = coerce(value, defaults[key], Reflect.getMetadata('design:type', cls.prototype, key));
  }
  const instance = plainToInstance(cls, { ...defaults, ...raw }, { exposeDefaultValues: true });
  for (const error of validateSync(instance, { whitelist: false, forbidUnknownValues: false })) {
    problems.push(...describe(error, raw));
  }
  if (problems.length) throw new ConfigError(problems);
  return instance;
}

/** Env values are strings: convert by the default's type (or the declared type); leave bad input for the validator to name. */
function coerce(value: string, fallback: unknown, declared: unknown): unknown {
  const kind =
    fallback !== undefined && fallback !== null
      ? typeof fallback
      : declared === Number
        ? 'number'
        : declared === Boolean
          ? 'boolean'
          : 'string';
  if (kind === 'number') {
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : value;
  }
  if (kind === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(value)) return true;
    if (/^(false|0|no|off)$/i.test(value)) return false;
  }
  return value;
}

function describe(error: ValidationError, raw: Record<string, unknown>): string[] {
  // Never echo a secret's value into logs, even a wrong one.
  const secret = /SECRET|KEY|PASSWORD|TOKEN|CREDENTIAL/i.test(error.property);
  const got =
    error.property in raw ? (secret ? ' (value hidden)' : ` (got ${JSON.stringify(String(raw[error.property])).slice(0, 80)})`) : '';
  return Object.values(error.constraints ?? {}).map((c) => `${error.property}: ${c}${got}`);
}

/** Env names of a config class: used by the deployment checks so compose/k8s cannot drift from the code. */
export function configKeys<T extends object>(cls: Ctor<T>): string[] {
  return Object.keys(new cls());
}

/** For a CLI entry point: print the problem and exit 1 instead of a stack trace. */
export function loadConfigOrExit<T extends object>(cls: Ctor<T>, service: string): T {
  try {
    return loadConfig(cls);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', service, msg: e.message, problems: e.problems })}\n`);
      process.exit(1);
    }
    throw e;
  }
}

import 'reflect-metadata';
import * as contracts from '@nitro/contracts';
import { ChatCompletionRequestDto, ChatRequestDto } from '@nitro/contracts';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, IsInt, IsOptional, IsString, Max, registerDecorator, ValidateNested, validateSync } from 'class-validator';
import { Type } from 'class-transformer';
import { seededRandom } from '@nitro/testing';
import { memoizeValidationMetadata } from './validation-metadata-cache';
import { passesValidation } from './validation-fast-path';

// The options passesValidation answers for: the gateway's body pipe's and validateDto's.
// class-transformer keeps its @Type() metadata in a module it does not declare types for.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: { findTypeMetadata(target: unknown, property: string): { typeFunction: () => unknown } | undefined };
};

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
const classValidatorPasses = (o: object) => validateSync(o, OPTIONS).length === 0;

interface Meta {
  type: string;
  propertyName: string;
  constraints?: unknown[];
}
const storage = getMetadataStorage() as unknown as {
  getTargetValidationMetadatas(t: unknown, s: string | undefined, a: boolean, g: boolean): Meta[];
};
const rulesOf = (cls: unknown) => storage.getTargetValidationMetadatas(cls, undefined, false, false);

const COMMON: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'a',
  'x'.repeat(300),
  'user-1',
  '3f2b7c1e-8d4a-4c2b-9e1f-0a1b2c3d4e5f',
  'local/stories260K',
  'https://example.com/a.png',
  0,
  1,
  -1,
  2.5,
  1e9,
  NaN,
  true,
  false,
  [],
  ['a'],
  [1],
  [{}],
  {},
  { a: 1 },
];

/** Candidate values for one property: the common ones, the rules' own constants (bounds, enums), nested plain objects. */
function candidates(cls: new () => unknown, property: string, rules: Meta[], rnd: () => number, depth: number): unknown[] {
  const out = [...COMMON];
  for (const r of rules.filter((m) => m.propertyName === property)) {
    for (const c of r.constraints ?? []) {
      if (typeof c === 'number') out.push(c, c - 1, c + 1, c / 2);
      if (typeof c === 'string') out.push(c);
      if (Array.isArray(c)) out.push(...c.slice(0, 8), c.slice(0, 2));
      if (c && typeof c === 'object' && !Array.isArray(c)) out.push(...Object.values(c).slice(0, 8));
    }
  }
  const type = defaultMetadataStorage.findTypeMetadata(cls, property);
  if (type && depth < 3) {
    const nestedCls = type.typeFunction() as new () => unknown;
    if (nestedCls && nestedCls !== Object && rulesOf(nestedCls).length) {
      const one = () => randomBody(nestedCls, rnd, depth + 1);
      out.push(one(), one(), one(), [one()], [one(), one()]);
    }
  }
  return out;
}

function randomBody(cls: new () => unknown, rnd: () => number, depth = 0): Record<string, unknown> {
  const rules = rulesOf(cls);
  const body: Record<string, unknown> = {};
  for (const property of [...new Set(rules.map((m) => m.propertyName))]) {
    if (rnd() < 0.3) continue;
    const pool = candidates(cls, property, rules, rnd, depth);
    // Mostly values from the rules' constants (more likely valid), sometimes anything.
    const value =
      rnd() < 0.5 ? pool[COMMON.length + Math.floor(rnd() * (pool.length - COMMON.length))] : pool[Math.floor(rnd() * pool.length)];
    if (value !== undefined) body[property] = value;
  }
  if (rnd() < 0.05) body.unknown_field = 1;
  return body;
}

const dtoClasses = Object.entries(contracts).filter(
  ([, v]) => typeof v === 'function' && /^[A-Z]/.test((v as { name: string }).name) && rulesOf(v).length > 0,
) as [string, new () => object][];

describe('passesValidation (class-validator without its error objects)', () => {
  beforeAll(() => memoizeValidationMetadata());

  it('finds the contracts DTOs to compare', () => {
    expect(dtoClasses.length).toBeGreaterThan(40);
  });

  it('accepts the hot bodies, as class-validator does', () => {
    const v1 = plainToInstance(ChatCompletionRequestDto, {
      model: 'default',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      max_tokens: 8,
      stream: false,
    });
    const chat = plainToInstance(ChatRequestDto, {
      message: 'hi',
      user_id: 'u1',
      session_id: 's1',
      options: { temperature: 0, max_tokens: 8 },
    });
    for (const o of [v1, chat]) {
      expect(classValidatorPasses(o)).toBe(true);
      expect(passesValidation(o)).toBe(true);
    }
  });

  it.each([
    ['an unknown field', { model: 'default', messages: [{}], extra: 1 }],
    ['a field of the wrong type', { model: 5, messages: [{}] }],
    ['a number out of range', { model: 'default', messages: [{}], temperature: 3 }],
    ['a missing required field', { messages: [{}] }],
  ])('refuses %s, as class-validator does', (_, body) => {
    const o = plainToInstance(ChatCompletionRequestDto, body);
    expect(classValidatorPasses(o)).toBe(false);
    expect(passesValidation(o)).toBe(false);
  });

  it('refuses a nested object of the wrong shape and a plain object where a class is expected', () => {
    const bad = plainToInstance(ChatRequestDto, { message: 'hi', user_id: 'u1', options: { temperature: 9 } });
    expect(passesValidation(bad)).toBe(false);
    expect(passesValidation({ a: 1 })).toBe(false); // no rules: forbidUnknownValues
  });

  it('agrees with class-validator on random bodies for every contracts DTO (never accepts what it refuses)', () => {
    let accepted = 0;
    let refused = 0;
    for (const [name, cls] of dtoClasses) {
      for (let seed = 0; seed < 150; seed++) {
        const body = randomBody(cls, seededRandom(seed * 7919 + name.length));
        const instance = plainToInstance(cls, body) as object;
        const expected = classValidatorPasses(instance);
        const got = passesValidation(instance);
        if (got !== expected)
          throw new Error(`${name} seed ${seed}: passesValidation ${got}, class-validator ${expected} for ${JSON.stringify(body)}`);
        if (expected) accepted++;
        else refused++;
      }
    }
    // The comparison means something only if both outcomes occur often.
    expect(accepted).toBeGreaterThan(250);
    expect(refused).toBeGreaterThan(500);
  });

  it('follows rules added later, nested arrays, and answers false for async rules (class-validator then decides)', () => {
    class Item {
      @IsInt()
      @Max(3)
      n!: number;
    }
    class Holder {
      @IsString()
      name!: string;
      @IsOptional()
      @ValidateNested({ each: true })
      @Type(() => Item)
      items?: Item[];
    }
    const ok = plainToInstance(Holder, { name: 'abc', items: [{ n: 1 }, { n: 2 }] });
    expect(passesValidation(ok)).toBe(true);
    expect(passesValidation(plainToInstance(Holder, { name: 'abc', items: [{ n: 1 }, { n: 9 }] }))).toBe(false);
    expect(passesValidation(plainToInstance(Holder, { name: 'abc', items: [5] }))).toBe(false);
    registerDecorator({
      name: 'short',
      target: Holder,
      propertyName: 'name',
      validator: { validate: (v: unknown) => String(v).length < 3 },
    });
    expect(passesValidation(plainToInstance(Holder, { name: 'abc' }))).toBe(false);
    expect(passesValidation(plainToInstance(Holder, { name: 'ab' }))).toBe(true);
    registerDecorator({ name: 'later', target: Holder, propertyName: 'name', async: true, validator: { validate: async () => true } });
    expect(passesValidation(plainToInstance(Holder, { name: 'ab' }))).toBe(false);
  });
});

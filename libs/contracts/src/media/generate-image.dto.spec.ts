import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { GenerateImageDto } from './generate-image.dto';

const messages = (errors: ValidationError[], parent = ''): string[] =>
  errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => `${parent}${m}`),
    ...messages(e.children ?? [], `${parent}${e.property}.`),
  ]);
const check = (body: object) => messages(validateSync(plainToInstance(GenerateImageDto, { prompt: 'a fox', user_id: 'ann', ...body })));

describe('GenerateImageDto', () => {
  it('accepts the seed request and every option in range', () => {
    expect(check({})).toEqual([]);
    expect(
      check({
        settings: {
          width: 64,
          height: 1536,
          count: 4,
          seed: 4294967294,
          negative_prompt: 'blur',
          style_preset: 'anime',
          provider: 'procedural',
        },
      }),
    ).toEqual([]);
  });

  it.each([
    [{ prompt: '' }, 'prompt must not be empty'],
    [{ prompt: ' \n ' }, 'prompt must contain visible text'],
    [{ prompt: '\u200b\u3164\u2800' }, 'prompt must contain visible text'],
    [{ prompt: 'x'.repeat(2001) }, 'prompt must be at most 2000 characters'],
    [{ prompt: '😀'.repeat(2001) }, 'prompt must be at most 2000 characters'],
    [{ settings: { width: 56 } }, 'settings.width must not be less than 64'],
    [{ settings: { height: 1544 } }, 'settings.height must not be greater than 1536'],
    [{ settings: { width: 513 } }, 'settings.width must be divisible by 8'],
    [{ settings: { count: 0 } }, 'settings.count must not be less than 1'],
    [{ settings: { count: 9 } }, 'settings.count must not be greater than 4'],
    [{ settings: { count: 1.5 } }, 'settings.count must be an integer number'],
    [{ settings: { seed: 4294967295 } }, 'settings.seed must not be greater than 4294967294'],
    [{ settings: { provider: 'dalle' } }, 'settings.provider must be one of'],
    [{ user_id: 'a/b' }, 'user_id must be 1-64 characters'],
  ])('%j -> "%s"', (body, message) => {
    expect(check(body).join('; ')).toContain(message);
  });
});

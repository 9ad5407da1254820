import { IsInt, IsString, Max, validateSync } from 'class-validator';
import { registerDecorator } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata-cache';

class Base {
  @IsString()
  name!: string;
}
class Child extends Base {
  @IsInt()
  @Max(3)
  n!: number;
}

describe('memoizeValidationMetadata', () => {
  beforeAll(() => memoizeValidationMetadata());

  it('validates own and inherited rules as before, repeatedly', () => {
    for (let i = 0; i < 3; i++) {
      const c = Object.assign(new Child(), { name: 5, n: 9 });
      expect(
        validateSync(c)
          .map((e) => e.property)
          .sort(),
      ).toEqual(['n', 'name']);
      expect(validateSync(Object.assign(new Child(), { name: 'a', n: 1 }))).toEqual([]);
    }
  });

  it('sees a rule added after the first validation (the cache is dropped)', () => {
    expect(validateSync(Object.assign(new Child(), { name: 'abc', n: 1 }))).toEqual([]);
    registerDecorator({
      name: 'shortName',
      target: Base,
      propertyName: 'name',
      validator: { validate: (v: unknown) => typeof v === 'string' && v.length < 2 },
    });
    expect(validateSync(Object.assign(new Child(), { name: 'abc', n: 1 })).map((e) => e.property)).toEqual(['name']);
  });
});

import { getMetadataStorage, IsInt, IsString, Max, validateSync } from 'class-validator';
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

  it('hands out one frozen list per class and one frozen grouping of it (no allocation per validation)', () => {
    const storage = getMetadataStorage();
    const a = storage.getTargetValidationMetadatas(Child, '', false, false);
    const b = storage.getTargetValidationMetadatas(Child, '', false, false);
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    const grouped = storage.groupByPropertyName(a);
    expect(storage.groupByPropertyName(b)).toBe(grouped);
    expect(Object.keys(grouped).sort()).toEqual(['n', 'name']);
    expect(Object.isFrozen(grouped.n)).toBe(true);
    // A list the cache did not hand out is grouped afresh, and left writable for its caller.
    const own = [...a];
    expect(storage.groupByPropertyName(own)).not.toBe(grouped);
    expect(Object.isFrozen(storage.groupByPropertyName(own).n)).toBe(false);
  });
});

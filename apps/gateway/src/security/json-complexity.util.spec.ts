import { jsonComplexityProblem, MAX_JSON_DEPTH, MAX_JSON_KEYS, MAX_JSON_NODES } from './json-complexity.util';

describe('jsonComplexityProblem', () => {
  const nest = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

  it('accepts ordinary bodies and scalars', () => {
    expect(jsonComplexityProblem({ message: 'hi', options: { temperature: 0.2 } })).toBeNull();
    expect(jsonComplexityProblem('text')).toBeNull();
    expect(jsonComplexityProblem(null)).toBeNull();
    expect(jsonComplexityProblem(nest(MAX_JSON_DEPTH))).toBeNull();
  });

  it('refuses nesting deeper than the limit, even 100,000 levels, without recursion', () => {
    expect(jsonComplexityProblem(nest(MAX_JSON_DEPTH + 1))).toMatch(/nested more than/);
    expect(jsonComplexityProblem(nest(100_000))).toMatch(/nested more than/);
  });

  it('refuses an object with too many fields and a body with too many values', () => {
    const wide = Object.fromEntries(Array.from({ length: MAX_JSON_KEYS + 1 }, (_, i) => [`k${i}`, i]));
    expect(jsonComplexityProblem(wide)).toMatch(/more than 256 fields/);
    expect(jsonComplexityProblem({ list: new Array(MAX_JSON_NODES + 1).fill(0) })).toMatch(/more than 20000 values/);
  });
});

import { literalMatcher, snippetAround } from './session-search.util';

describe('conversation search helpers', () => {
  it('matches q literally, case-insensitively, beyond ASCII', () => {
    expect(literalMatcher('a.b').test('a.b')).toBe(true);
    expect(literalMatcher('a.b').test('axb')).toBe(false);
    expect(literalMatcher('(x|y)*-[z]/{1}\\').test('see (X|Y)*-[Z]/{1}\\ here')).toBe(true);
    expect(literalMatcher('ΣΟΦΊΑ').test('η σοφία')).toBe(true);
    expect(literalMatcher('Straße').test('STRASSE')).toBe(false); // no full case folding in JavaScript
  });

  it('cuts a snippet around the first match in code points, marking the cuts', () => {
    const text = `${'🙂'.repeat(50)} needle ${'x'.repeat(200)}`;
    const s = snippetAround(text, literalMatcher('NEEDLE'), 10, 30) as string;
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(Array.from(s.slice(1, -1))).toHaveLength(30);
    expect(s).toContain('🙂 needle');
    expect(s).not.toMatch(/\uD83D(?![\uDC00-\uDFFF])/); // no half of a surrogate pair
    expect(snippetAround('short needle', literalMatcher('needle'))).toBe('short needle');
    expect(snippetAround('nothing here', literalMatcher('needle'))).toBeUndefined();
  });
});

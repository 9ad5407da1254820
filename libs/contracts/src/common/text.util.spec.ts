import { validateSync } from 'class-validator';
import { codePointLength, cutCodePoints, cutGraphemes, exceedsCodePoints, hasVisibleContent, visibleText } from './text.util';
import { HasVisibleText, MaxChars } from './text.validators';

describe('text helpers', () => {
  it('count code points, not UTF-16 units', () => {
    expect(codePointLength('😀'.repeat(20_000))).toBe(20_000);
    expect('😀'.repeat(20_000).length).toBe(40_000);
    expect(codePointLength('a\ud800b')).toBe(3); // a lone surrogate is one
    expect(exceedsCodePoints('😀'.repeat(20_000), 32_000)).toBe(false);
    expect(exceedsCodePoints('😀'.repeat(32_001), 32_000)).toBe(true);
  });

  it('cut by code points without leaving half a surrogate pair', () => {
    const cut = cutCodePoints('a😀😀😀', 2);
    expect(cut).toBe('a😀');
    expect(cut).not.toContain('\ufffd');
    expect(Buffer.from(cutCodePoints('😀'.repeat(100), 79)).toString()).not.toContain('\ufffd');
  });

  it('cut titles by grapheme clusters (a flag or a family stays whole)', () => {
    const family = '👨‍👩‍👧‍👦';
    expect(cutGraphemes(family.repeat(100), 80)).toBe(family.repeat(80));
    expect(cutGraphemes('🇩🇪'.repeat(50), 3)).toBe('🇩🇪🇩🇪🇩🇪');
    expect(cutGraphemes(`${'x'.repeat(79)}😀😀`, 80)).toBe(`${'x'.repeat(79)}😀`);
  });

  it.each([
    ['zero-width spaces and word joiners', '\u200b\u2060\u200b'],
    ['bidi marks', '\u202e\u200f\u200e\u2066'],
    ['NUL and BEL', '\u0000\u0007'],
    ['Hangul filler', '\u3164\u3164'],
    ['blank Braille', '\u2800\u2800'],
    ['other fillers and variation selectors', '\u115f\u1160\uffa0\ufe0f'],
    ['combining marks alone', '\u0301\u0308'],
    ['whitespace of every kind', ' \t\n\u00a0\u3000\u2028'],
    ['private use and tags', '\ue000\u{e0041}'],
  ])('finds no visible content in %s', (_name, text) => {
    expect(hasVisibleContent(text)).toBe(false);
  });

  it.each(['a', '7', '?', '😀', '。', 'é', '\u200bhi'])('finds visible content in %j', (text) => {
    expect(hasVisibleContent(text)).toBe(true);
  });

  it('visibleText drops invisible code points and collapses spacing', () => {
    expect(visibleText('\u200bhello\u2060 \n world\u0000')).toBe('hello world');
  });

  it('validators name the field and count code points', () => {
    class Dto {
      @MaxChars(5)
      @HasVisibleText()
      text!: string;
    }
    const check = (text: string) => validateSync(Object.assign(new Dto(), { text })).flatMap((e) => Object.values(e.constraints ?? {}));
    expect(check('😀😀😀😀😀')).toEqual([]);
    expect(check('😀😀😀😀😀😀')).toEqual(['text must be at most 5 characters (Unicode code points)']);
    expect(check('\u200b\u3164')).toEqual(['text must contain visible text (letters, digits, punctuation or symbols)']);
  });
});

/**
 * What "characters" means on our wire: Unicode code points, as JSON Schema's `maxLength`/`minLength`
 * count them (a string's length in UTF-16 units double-counts every emoji and most CJK extension
 * characters). Every text limit, its message and every cut goes through these helpers; titles, which
 * a person reads, are cut by grapheme clusters (a flag or a family emoji stays whole).
 */

/** Length in Unicode code points (a lone surrogate counts as one). */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** True when `text` has more than `max` code points (cheap when the UTF-16 length already says no). */
export function exceedsCodePoints(text: string, max: number): boolean {
  return text.length > max && codePointLength(text) > max;
}

/** The first `max` code points of `text`: never half of a surrogate pair. */
export function cutCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let units = 0;
  for (let points = 0; points < max && units < text.length; points++) {
    const c = text.charCodeAt(units);
    const pair = c >= 0xd800 && c <= 0xdbff && units + 1 < text.length && (text.charCodeAt(units + 1) & 0xfc00) === 0xdc00;
    units += pair ? 2 : 1;
  }
  return text.slice(0, units);
}

const SEGMENTER = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The first `max` grapheme clusters of `text` (what a reader sees as characters), for titles and previews. */
export function cutGraphemes(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  let count = 0;
  for (const { segment, index } of SEGMENTER.segment(text)) {
    if (count === max) break;
    end = index + segment.length;
    count++;
  }
  return text.slice(0, end);
}

/**
 * Code points that take up no room or show nothing although their category is a letter or symbol:
 * every Default_Ignorable_Code_Point (zero-width spaces and joiners, U+2060, bidi marks, variation
 * selectors, the Hangul fillers U+115F/U+1160/U+3164/U+FFA0, tags) and the blank Braille pattern U+2800.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/u;
/**
 * Visible: a letter, number, punctuation or symbol that is not invisible. Combining marks count only
 * on such a base (a string of marks alone draws nothing of its own); separators, controls (NUL, BEL),
 * format characters, private-use and unassigned code points never count.
 */
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

/** True when `text` holds something a person can see; `trim()` and `\S` let U+200B, NUL or U+3164 through. */
export function hasVisibleContent(text: unknown): boolean {
  return typeof text === 'string' && VISIBLE.test(text);
}

const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');
/** Invisible on their own but part of what is drawn: joiners (family emoji), variation selectors, tag sequences (flags). */
const JOINING = /[\u200c\u200d\ufe00-\ufe0f\u{e0020}-\u{e007f}]/u;

/** Removes invisible code points (keeping those that join visible ones) and collapses spacing and controls: for titles made from user text. */
export function visibleText(text: string): string {
  return text
    .replace(INVISIBLE_ALL, (ch) => (JOINING.test(ch) ? ch : ''))
    .replace(/[\p{Cc}\p{Z}\s]+/gu, ' ')
    .trim();
}

/**
 * A case-insensitive, Unicode-aware matcher for `q` taken literally (no pattern syntax): `İ`/`i`,
 * `Σ`/`σ` fold as JavaScript's `iu` flags fold them, and `a.b` matches only "a.b".
 */
export function literalMatcher(q: string): RegExp {
  // Only syntax characters and `/` may be escaped under the `u` flag (an escaped `-` is a SyntaxError).
  return new RegExp(q.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'), 'iu');
}

/**
 * `text` around the first match of `re`: from up to `before` code points before the match, at most `max`
 * code points in all, with `…` where it was cut. Undefined when `re` does not match.
 */
export function snippetAround(text: string, re: RegExp, before = 30, max = 100): string | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  const cps = Array.from(text);
  const at = Array.from(text.slice(0, m.index)).length;
  const start = Math.max(0, at - before);
  const end = Math.min(cps.length, start + max);
  return `${start > 0 ? '…' : ''}${cps.slice(start, end).join('')}${end < cps.length ? '…' : ''}`;
}

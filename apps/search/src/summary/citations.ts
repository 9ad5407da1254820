import type { CitationDto, SearchResultDto } from '@nitro/contracts';

/** "[1]", "[2, 3]", " [12]" — with the whitespace before it, so a dropped citation leaves no gap. */
const CITATION = /(\s*)\[(\s*\d{1,3}(?:\s*,\s*\d{1,3})*\s*)\]/g;

/**
 * Keeps only citations that point at one of the `count` numbered sources; "[2, 9]" with 5 sources
 * becomes "[2]", "[9]" disappears. Applying it twice changes nothing, which the streaming filter
 * relies on.
 */
export function cleanCitations(text: string, count: number): string {
  return text.replace(CITATION, (_m, space: string, list: string) => {
    const valid = list
      .split(',')
      .map((n) => Number(n.trim()))
      .filter((n) => Number.isInteger(n) && n >= 1 && n <= count);
    return valid.length ? `${space}[${valid.join(', ')}]` : '';
  });
}

/** Numbers cited in (already cleaned) text, in order of first appearance. */
export function citedNumbers(text: string): number[] {
  const seen = new Set<number>();
  for (const m of text.matchAll(CITATION)) for (const n of m[2].split(',')) seen.add(Number(n.trim()));
  return [...seen];
}

export interface FinalSummaryText {
  text: string;
  citations: CitationDto[];
  /** True when the model cited nothing usable and the source list was appended here. */
  added: boolean;
  /** What was appended to the model's text ('' when nothing was). */
  appended: string;
}

/**
 * Makes every summary cite its sources: invalid citations are dropped, and when the model cited
 * none of the sources (small local models often do not) a "Sources: [1] … [n]" list is appended,
 * so each citation maps to a listed result either way.
 */
export function finalizeCitations(modelText: string, sources: SearchResultDto[]): FinalSummaryText {
  const text = cleanCitations(modelText, sources.length);
  const cited = citedNumbers(text);
  const toCitation = (n: number): CitationDto => {
    const r = sources[n - 1];
    return { n, title: r.title, url: r.url, source: r.source };
  };
  if (cited.length) return { text, citations: cited.map(toCitation), added: false, appended: '' };
  const list = sources.map((r, i) => `[${i + 1}] ${r.title} (${r.url})`).join('\n');
  const appended = `${text.trim() ? '\n\n' : ''}Sources:\n${list}`;
  return { text: text + appended, citations: sources.map((_, i) => toCitation(i + 1)), added: true, appended };
}

/**
 * Cleans citations in a token stream without waiting for the end: text is passed on as soon as
 * it cannot be part of a citation; trailing whitespace and an unclosed "[12, 3" are held until
 * the next token decides them. The concatenated output equals cleanCitations(full text).
 */
export class CitationStreamFilter {
  private held = '';

  constructor(private readonly count: number) {}

  push(token: string): string {
    this.held += token;
    const pending = /(\s*)(\[[\d\s,]{0,20})?$/.exec(this.held);
    const cut = pending ? pending.index : this.held.length;
    const ready = this.held.slice(0, cut);
    this.held = this.held.slice(cut);
    return cleanCitations(ready, this.count);
  }

  flush(): string {
    const rest = cleanCitations(this.held, this.count);
    this.held = '';
    return rest;
  }
}

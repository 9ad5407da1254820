import type { SearchResultDto } from '@nitro/contracts';
import { buildSummaryPrompt } from './summary-prompt';

const result = (n: number, snippet = `Snippet number ${n}.`): SearchResultDto => ({
  position: n,
  title: `Title ${n}`,
  url: `https://s${n}.example/`,
  snippet,
  source: `s${n}.example`,
});

describe('buildSummaryPrompt', () => {
  it('numbers sources in result order and asks for [n] citations', () => {
    const { prompt, used } = buildSummaryPrompt(
      'what are streams?',
      [1, 2, 3].map((n) => ({ result: result(n) })),
      4000,
    );
    expect(used.map((r) => r.position)).toEqual([1, 2, 3]);
    expect(prompt).toContain('Question: what are streams?');
    expect(prompt).toMatch(/\[1\] Title 1 \(s1\.example\)\nSnippet number 1\.\n/);
    expect(prompt).toMatch(/\[3\] Title 3 \(s3\.example\)/);
    expect(prompt).toMatch(/square brackets/);
    expect(prompt.endsWith('Answer:')).toBe(true);
  });

  it('stays within the budget: whole sources first, page text shared out', () => {
    const sources = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ result: result(n, 'x'.repeat(120)), pageText: 'word '.repeat(2000) }));
    const { prompt, used } = buildSummaryPrompt('q', sources, 1200);
    expect(prompt.length).toBeLessThanOrEqual(1200);
    expect(used.length).toBeGreaterThan(0);
    expect(used.length).toBeLessThan(8);
    expect(prompt).not.toContain(`[${used.length + 1}] Title`);
  });

  it('always gives the first source, cut to fit', () => {
    const { prompt, used } = buildSummaryPrompt('q', [{ result: result(1, 'y'.repeat(5000)) }], 500);
    expect(used).toHaveLength(1);
    expect(prompt).toContain('[1] Title 1');
    expect(prompt.length).toBeLessThan(700);
  });
});

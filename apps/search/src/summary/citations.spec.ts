import type { SearchResultDto } from '@nitro/contracts';
import { CitationStreamFilter, cleanCitations, citedNumbers, finalizeCitations } from './citations';

const sources: SearchResultDto[] = [1, 2, 3].map((n) => ({
  position: n,
  title: `Title ${n}`,
  url: `https://s${n}.example/`,
  snippet: '',
  source: `s${n}.example`,
}));

describe('citations', () => {
  it('keeps citations that map to a source and drops the rest', () => {
    expect(cleanCitations('Streams are logs [1]. Groups share work [2, 7]. Wrong [9]. Also [3][1].', 3)).toBe(
      'Streams are logs [1]. Groups share work [2]. Wrong. Also [3][1].',
    );
    expect(cleanCitations('no citations, [a] or [] here', 3)).toBe('no citations, [a] or [] here');
    expect(citedNumbers('x [2] y [1, 2] z [3]')).toEqual([2, 1, 3]);
  });

  it('cleaning twice changes nothing', () => {
    const once = cleanCitations('a [1,2] b [4] c [ 3 ]', 3);
    expect(cleanCitations(once, 3)).toBe(once);
  });

  it('lists the cited results in order of first citation', () => {
    const out = finalizeCitations('B is true [2]. A too [1]. B again [2].', sources);
    expect(out.added).toBe(false);
    expect(out.citations.map((c) => c.n)).toEqual([2, 1]);
    expect(out.citations[0]).toEqual({ n: 2, title: 'Title 2', url: 'https://s2.example/', source: 's2.example' });
  });

  it('appends a source list when the model cites nothing usable', () => {
    const out = finalizeCitations('Once upon a time there was a dog [8].', sources);
    expect(out.added).toBe(true);
    expect(out.text).toBe(
      'Once upon a time there was a dog.\n\nSources:\n[1] Title 1 (https://s1.example/)\n[2] Title 2 (https://s2.example/)\n[3] Title 3 (https://s3.example/)',
    );
    expect(out.citations.map((c) => c.n)).toEqual([1, 2, 3]);
    expect(finalizeCitations('', sources).text.startsWith('Sources:\n[1]')).toBe(true);
  });

  it('the streaming filter produces exactly what cleaning the whole text produces, however it is split', () => {
    const text = 'Streams [1] are logs [2, 9]. Wrong [7]. Edge [1][3] end [ 2 ] and [12 and [x] done [3]';
    for (let size = 1; size <= 7; size++) {
      const filter = new CitationStreamFilter(3);
      let out = '';
      for (let i = 0; i < text.length; i += size) out += filter.push(text.slice(i, i + size));
      out += filter.flush();
      expect(out).toBe(cleanCitations(text, 3));
    }
  });

  it('the streaming filter passes plain text on at once', () => {
    const filter = new CitationStreamFilter(3);
    expect(filter.push('Hello')).toBe('Hello');
    expect(filter.push(' world [')).toBe(' world');
    expect(filter.push('2] ok')).toBe(' [2] ok');
  });
});

import { analyzeCsv, parseCsv, sniffDelimiter } from './csv-analysis.util';

describe('CSV parsing (csv-parse) and analysis', () => {
  it('reads quoted fields with delimiters, doubled quotes and newlines; any line ending ends a row', () => {
    expect(parseCsv('a,b\r\n1,"x,""y""\nz"\n\n3,4\r5,6\r\n', ',')).toEqual([
      ['a', 'b'],
      ['1', 'x,"y"\nz'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('keeps ragged rows and stray quotes, and the rows before a quote that never closes', () => {
    expect(parseCsv('a;b\n1\n2;x"y;3\n', ';')).toEqual([['a', 'b'], ['1'], ['2', 'x"y', '3']]);
    expect(parseCsv('a,b\n1,2\n"3,4\n5,6', ',')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('stops at maxRows and sniffs the delimiter of a table only', () => {
    expect(parseCsv('a\nb\nc\nd', ',', 2)).toEqual([['a'], ['b']]);
    expect(sniffDelimiter('a\tb\tc\n1\t2\t3\n4\t5\t6\n')).toBe('\t');
    expect(sniffDelimiter('just some words\nand more words\n')).toBeNull();
  });

  it('analyses 150,000 rows (over 1 MB) without overflowing the stack', () => {
    const text = 'id,name\n' + Array.from({ length: 150_000 }, (_, i) => `${i},n${i % 1000}`).join('\n');
    expect(text.length).toBeGreaterThan(1_000_000);
    const r = analyzeCsv(text, ',');
    expect(r).toMatchObject({ has_header: true, rows: 150_000, columns_count: 2, ragged_rows: 0, truncated: false });
    expect(r.columns[0]).toMatchObject({ type: 'integer', min: 0, max: 149_999 });
    expect(r.columns[1]).toMatchObject({ type: 'string', min_length: 2, max_length: 4, distinct: 1000 });
  });
});

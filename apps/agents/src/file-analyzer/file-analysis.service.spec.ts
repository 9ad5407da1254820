import { AgentsEnv, loadConfig } from '@nitro/config';
import { buildZip, pngWithExif, SAMPLE_CSV, SAMPLE_JSON } from '../../test/fixtures/file-fixtures';
import type { LlmClient } from '../llm/llm.client';
import { LlmPassService } from '../llm/llm-pass.service';
import { FileAnalysisService } from './file-analysis.service';
import { FileParsePool } from './parse/file-parse-pool.service';
import type { ClaimCheck } from '@nitro/transport';

// PDF needs pdf.js's ESM build, which jest's CommonJS sandbox cannot import: it is covered end to end.
describe('FileAnalysisService (real parsers, LLM disabled)', () => {
  const env = loadConfig(AgentsEnv, { LLM_ENABLED: 'false', MAX_FILE_BYTES: '100000' });
  // The parsing runs in the real worker pool (from the sources through its swc hook).
  const pool = new FileParsePool(env);
  const service = new FileAnalysisService(env, {} as ClaimCheck, new LlmPassService({} as LlmClient, env), pool);
  afterAll(() => pool.onModuleDestroy());
  const analyze = (bytes: Buffer, name?: string) => service.analyze(bytes, name, 'u1', true);

  it('CSV: columns, inferred types and per-column stats', async () => {
    const r = await analyze(Buffer.from(SAMPLE_CSV), 'cities.txt');
    expect(r.type).toEqual({ kind: 'csv', mime: 'text/csv', by: 'content' });
    const csv = r.details.csv as any;
    expect(csv).toMatchObject({ delimiter: ',', has_header: true, rows: 4, columns_count: 5, ragged_rows: 0 });
    expect(csv.columns.map((c: any) => [c.name, c.type])).toEqual([
      ['city', 'string'],
      ['population', 'integer'],
      ['area_km2', 'number'],
      ['capital', 'boolean'],
      ['founded', 'date'],
    ]);
    expect(csv.columns[1]).toMatchObject({
      min: 1084831,
      max: 3850809,
      mean: 2085063.25,
      median: 1702306.5,
      count: 4,
      empty: 0,
      distinct: 4,
    });
    expect(csv.columns[3]).toMatchObject({ true: 1, false: 3 });
    expect(csv.columns[4]).toMatchObject({ min: '0050-01-01', max: '1237-01-01' });
    expect(r.llm).toEqual({ available: false, reason: expect.stringContaining('LLM_ENABLED=false') });
  });

  it('JSON: a shape sketch with merged array items and optional keys', async () => {
    const r = await analyze(Buffer.from(SAMPLE_JSON));
    expect(r.type.kind).toBe('json');
    expect((r.details.json as any).shape).toEqual({
      type: 'object',
      keys: {
        name: 'string',
        version: 'integer',
        tags: { type: 'array', length: 2, items: 'string' },
        users: {
          type: 'array',
          length: 2,
          items: { type: 'object', keys: { id: 'integer', email: 'string', admin: 'boolean' }, optional: ['admin'] },
        },
        meta: 'null',
      },
    });
  });

  it('PNG: format and size from the header, EXIF decoded; the name does not matter', async () => {
    const r = await analyze(await pngWithExif(), 'photo.pdf');
    expect(r.type).toEqual({ kind: 'image', mime: 'image/png', by: 'magic' });
    expect(r.name_mismatch).toMatch(/\.pdf.*image/);
    expect(r.details.image).toMatchObject({
      format: 'png',
      width: 40,
      height: 20,
      channels: 3,
      exif: { Image: { Make: 'NitroCam', Model: 'Test 1', Copyright: 'Nitro tests' } },
    });
  });

  it('ZIP: lists entries, flags ../evil, extracts nothing', async () => {
    const r = await analyze(
      buildZip([
        { name: 'readme.txt', content: 'hello' },
        { name: '../evil', content: 'boom' },
        { name: 'dir/a.txt', content: 'a' },
      ]),
    );
    const zip = r.details.zip as any;
    expect(zip).toMatchObject({ entries_total: 3, files: 3, extracted: false });
    expect(zip.entries.map((e: any) => e.name)).toEqual(['readme.txt', '../evil', 'dir/a.txt']);
    expect(zip.unsafe_entries).toEqual([{ name: '../evil', reason: expect.stringContaining('..') }]);
    expect(zip.warnings[0]).toMatch(/\.\.\/evil/);
  });

  it('text: encoding, lines, words and a language guess', async () => {
    const r = await analyze(Buffer.from('The quick brown fox jumps over the lazy dog.\nIt is the best of times and the worst.\n', 'utf8'));
    expect(r.details.text).toMatchObject({
      encoding: 'ascii',
      lines: 2,
      words: 18,
      line_endings: 'lf',
      language: { kind: 'natural', name: 'en' },
    });
    const latin = await analyze(Buffer.from('Gr\xfc\xdfe aus K\xf6ln\n', 'latin1'));
    expect(latin.details.text).toMatchObject({ encoding: 'windows-1252', lines: 1, words: 3 });
    const code = await analyze(Buffer.from('def main():\n    print("hi")\n'));
    expect((code.details.text as any).language).toEqual({ kind: 'code', name: 'python', confidence: 1 });
  });

  it('binary without a known signature, empty files and files over MAX_FILE_BYTES', async () => {
    const r = await analyze(Buffer.from([0, 1, 2, 3, 250, 251, 0, 9]));
    expect(r.type.kind).toBe('binary');
    await expect(analyze(Buffer.alloc(0))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/file is empty/) });
    await expect(analyze(Buffer.alloc(100_001, 'a'))).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/MAX_FILE_BYTES/),
    });
  });

  it('a truncated ZIP is a 422 saying what is wrong, not a crash', async () => {
    const zip = buildZip([{ name: 'a.txt', content: 'a' }]);
    await expect(analyze(zip.subarray(0, zip.length - 10))).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/ZIP/) });
  });
});

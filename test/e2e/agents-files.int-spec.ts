import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildPdf, buildZip, pngWithExif, SAMPLE_CSV, SAMPLE_JSON } from '../../apps/agents/test/fixtures/file-fixtures';
import { Platform, startPlatform } from '../support/platform';

jest.setTimeout(120_000);

/**
 * File analysis end to end: real files built by the test, uploaded as multipart through the
 * gateway, parsed by the agents process (pdf.js, sharp + exif-reader, yauzl). No ai-router: the
 * summary must say the LLM is unavailable. scan_directory against a workspace the test creates.
 */
describe('agents: file analyzer (gateway + agents, no ai-router)', () => {
  let p: Platform;
  let workspace: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'agents-e2e-ws-'));
    mkdirSync(join(workspace, 'project/src/a/b'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(workspace, `project/file-${i}.txt`), `line one\nline two ${i}\n`);
    writeFileSync(join(workspace, 'project/src/a/b/deep.py'), 'print(1)\n');
    symlinkSync('/etc', join(workspace, 'etc'));
    p = await startPlatform({
      services: ['agents'],
      appEnv: {
        agents: { AGENTS_WORKSPACE_ROOT: workspace, SCAN_MAX_FILES: '3', SCAN_MAX_DEPTH: '2', LLM_TIMEOUT_MS: '3000' },
        gateway: { AGENTS_MAX_UPLOAD_BYTES: '100000' },
      },
    });
  });
  afterAll(async () => {
    await p?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  const upload = async (bytes: Buffer, filename: string, query = '') => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), filename);
    return p.request(`/agent/file-analyze${query}`, { method: 'POST', body: form });
  };
  const analyze = async (bytes: Buffer, filename: string) => {
    const res = await upload(bytes, filename);
    const body = await res.json();
    if (res.status !== 200) throw new Error(`${res.status}: ${JSON.stringify(body)}`);
    return body;
  };

  it('CSV: columns, types and per-column stats; the LLM summary is reported unavailable', async () => {
    const r = await analyze(Buffer.from(SAMPLE_CSV), 'cities.csv');
    expect(r).toMatchObject({ filename: 'cities.csv', size: SAMPLE_CSV.length, type: { kind: 'csv', by: 'content' } });
    expect(r.details.csv.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual([
      'city:string',
      'population:integer',
      'area_km2:number',
      'capital:boolean',
      'founded:date',
    ]);
    expect(r.details.csv.columns[2]).toMatchObject({ min: 310.7, max: 891.7 });
    expect(r.llm).toEqual({ available: false, reason: expect.stringMatching(/ai-router/) });
    expect(r.llm_summary).toBeUndefined();
  });

  it('JSON: a shape sketch', async () => {
    const r = await analyze(Buffer.from(SAMPLE_JSON), 'data.json');
    expect(r.type.kind).toBe('json');
    expect(r.details.json.shape.keys.users.items).toEqual({
      type: 'object',
      keys: { id: 'integer', email: 'string', admin: 'boolean' },
      optional: ['admin'],
    });
  });

  it('PDF: page count, text per page and document info', async () => {
    const r = await analyze(buildPdf(['Hello from page one', 'Second page text'], 'Quarterly report'), 'report.bin');
    expect(r.type).toEqual({ kind: 'pdf', mime: 'application/pdf', by: 'magic' });
    expect(r.details.pdf).toMatchObject({ pages: 2, pages_read: 2, title: 'Quarterly report', author: 'Nitro tests', words: 7 });
    expect(r.details.pdf.text_pages.map((pg: { text: string }) => pg.text)).toEqual(['Hello from page one', 'Second page text']);
  });

  it('PNG: format, size and EXIF; a misleading name is pointed out', async () => {
    const r = await analyze(await pngWithExif(), 'notes.txt');
    expect(r.type).toEqual({ kind: 'image', mime: 'image/png', by: 'magic' });
    expect(r.name_mismatch).toMatch(/\.txt.*image/);
    expect(r.details.image).toMatchObject({ format: 'png', width: 40, height: 20, exif: { Image: { Make: 'NitroCam', Model: 'Test 1' } } });
  });

  it('ZIP holding ../evil: listed and flagged, nothing written outside (or anywhere)', async () => {
    const probe = mkdtempSync(join(tmpdir(), 'agents-zip-probe-'));
    const before = readdirSync(dirname(probe));
    const r = await analyze(
      buildZip([
        { name: 'ok.txt', content: 'fine' },
        { name: '../evil', content: 'escaped' },
      ]),
      'bundle.zip',
    );
    expect(r.details.zip).toMatchObject({
      entries_total: 2,
      extracted: false,
      unsafe_entries: [{ name: '../evil', reason: expect.stringMatching(/\.\./) }],
    });
    expect(readdirSync(dirname(probe)).filter((n) => n === 'evil' || !before.includes(n))).toEqual([]);
    rmSync(probe, { recursive: true, force: true });
  });

  it.each([
    ['an empty file', 400, async () => upload(Buffer.alloc(0), 'empty.txt'), /file is empty/],
    ['a file over AGENTS_MAX_UPLOAD_BYTES', 413, async () => upload(Buffer.alloc(100_001, 'a'), 'big.txt'), /larger than 100000 bytes/],
    [
      'no file part',
      400,
      async () =>
        p.request('/agent/file-analyze', {
          method: 'POST',
          body: (() => {
            const f = new FormData();
            f.append('note', 'x');
            return f;
          })(),
        }),
      /file is required/,
    ],
    [
      'JSON instead of multipart',
      400,
      async () => p.request('/agent/file-analyze', { method: 'POST', json: { file: 'x' } }),
      /multipart\/form-data/,
    ],
    ['llm not a boolean', 400, async () => upload(Buffer.from('hi'), 'a.txt', '?llm=maybe'), /llm must be true or false/],
    [
      'analyze_file without a file',
      400,
      async () => p.request('/agent/execute', { method: 'POST', json: { task: 'analyze_file', data: {} } }),
      /exactly one of upload_id .* or content_base64/,
    ],
    [
      'an unknown upload id',
      404,
      async () =>
        p.request('/agent/execute', {
          method: 'POST',
          json: { task: 'analyze_file', data: { upload_id: '0b6a3b8e-8c3e-4a55-9d9e-2f1a4b5c6d7e' } },
        }),
      /upload_id is unknown or has expired/,
    ],
  ])('%s -> %i with a clear message', async (_name, status, send, message) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect((await res.json()).message).toMatch(message);
  });

  it('analyze_file also takes small files inline as base64', async () => {
    const res = await p.request('/agent/execute', {
      method: 'POST',
      json: { task: 'analyze_file', data: { content_base64: Buffer.from('a;b\n1;2\n').toString('base64'), llm: false } },
    });
    const { result } = await res.json();
    expect(result).toMatchObject({
      type: { kind: 'csv' },
      details: { csv: { delimiter: ';', rows: 1 } },
      llm: { available: false, reason: expect.stringMatching(/skipped/) },
    });
  });

  const scan = (data: Record<string, unknown>) => p.request('/agent/execute', { method: 'POST', json: { task: 'scan_directory', data } });

  it.each([['..'], ['project/../..'], ['/etc'], ['etc'], ['etc/passwd']])('scan_directory %s -> 403', async (path) => {
    const res = await scan({ path });
    expect(res.status).toBe(403);
    expect((await res.json()).message).toMatch(/absolute paths are refused|must not contain "\.\."|leads outside the workspace/);
  });

  it('scan_directory: hitting the file limit gives a clear partial result', async () => {
    const res = await scan({ path: 'project' });
    expect(res.status).toBe(200);
    const { result } = await res.json();
    expect(result).toMatchObject({
      path: 'project',
      partial: true,
      limits_hit: ['max_files'],
      limits: { max_files: 3, max_depth: 2 },
      summary: { files: 3 },
    });
    expect(result.entries.map((e: { path: string }) => e.path)).toEqual(['project/file-0.txt', 'project/file-1.txt', 'project/file-2.txt']);
    expect(result.entries[0]).toMatchObject({ kind: 'text', lines: 2 });
  });

  it('scan_directory: the depth limit is named too', async () => {
    const { result } = await (await scan({ path: 'project/src', max_depth: 1 })).json();
    expect(result).toMatchObject({ partial: true, limits_hit: ['max_depth'], limits: { max_depth: 1 } });
    expect(result.entries).toEqual([{ path: 'project/src/a/b', kind: 'directory', skipped: 'deeper than max_depth 1' }]);
  });
});

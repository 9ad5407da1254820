import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentsEnv, loadConfig } from '@nitro/config';
import { WorkspaceScannerService } from './workspace-scanner.service';

describe('WorkspaceScannerService (real file system)', () => {
  let root: string;
  const scanner = (extra: Record<string, string> = {}) =>
    new WorkspaceScannerService(loadConfig(AgentsEnv, { AGENTS_WORKSPACE_ROOT: root, ...extra }));

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'agents-ws-'));
    mkdirSync(join(root, 'proj/src/deep/deeper'), { recursive: true });
    writeFileSync(join(root, 'proj/readme.md'), '# Title\n\nSome words here.\n');
    writeFileSync(join(root, 'proj/data.csv'), 'a,b\n1,2\n3,4\n');
    writeFileSync(join(root, 'proj/src/main.py'), 'print(1)\n');
    writeFileSync(join(root, 'proj/src/deep/deeper/x.txt'), 'x\n');
    symlinkSync('/etc', join(root, 'etc-link'));
    symlinkSync('/etc', join(root, 'proj/etc-inside'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists and classifies files, counts lines, never follows links', async () => {
    const r = await scanner().scan({ path: 'proj' });
    expect(r).toMatchObject({ path: 'proj', partial: false, limits_hit: [] });
    expect(r.entries).toEqual([
      { path: 'proj/data.csv', size: 12, kind: 'csv', mime: 'text/csv', lines: 3 },
      { path: 'proj/etc-inside', skipped: 'symbolic link leading outside the workspace (not followed)' },
      { path: 'proj/readme.md', size: 26, kind: 'text', mime: 'text/plain', lines: 3 },
      { path: 'proj/src/deep/deeper/x.txt', size: 2, kind: 'text', mime: 'text/plain', lines: 1 },
      { path: 'proj/src/main.py', size: 9, kind: 'text', mime: 'text/plain', lines: 1 },
    ]);
    expect(r.summary).toMatchObject({ files: 4, directories: 3, bytes_read: 49, by_kind: { csv: 1, text: 3 } });
  });

  it.each([
    ['..', /"\.\."/],
    ['proj/../..', /"\.\."/],
    ['/etc', /absolute/],
    ['etc-link', /outside the workspace/],
    ['proj/etc-inside', /outside the workspace/],
  ])('refuses %s with 403', async (path, message) => {
    await expect(scanner().scan({ path })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(message) });
  });

  it('a missing path is a 404 and a file is a 400', async () => {
    await expect(scanner().scan({ path: 'nope' })).rejects.toMatchObject({ status: 404 });
    await expect(scanner().scan({ path: 'proj/readme.md' })).rejects.toMatchObject({ status: 400 });
  });

  it('stops at each limit with a partial result naming it', async () => {
    const depth = await scanner({ SCAN_MAX_DEPTH: '1' }).scan({ path: 'proj' });
    expect(depth).toMatchObject({ partial: true, limits_hit: ['max_depth'] });
    expect(depth.entries).toContainEqual({ path: 'proj/src/deep', kind: 'directory', skipped: 'deeper than max_depth 1' });
    const files = await scanner().scan({ path: 'proj', max_files: 2 });
    expect(files).toMatchObject({ partial: true, limits_hit: ['max_files'], summary: { files: 2 } });
    const bytes = await scanner({ SCAN_MAX_BYTES: '20' }).scan({ path: 'proj' });
    expect(bytes).toMatchObject({ partial: true, limits_hit: ['max_bytes'], summary: { bytes_read: 20 } });
  });

  it('a workspace root that does not exist is a 503 naming the variable', async () => {
    const s = new WorkspaceScannerService(loadConfig(AgentsEnv, { AGENTS_WORKSPACE_ROOT: join(root, 'missing') }));
    await expect(s.scan({})).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/AGENTS_WORKSPACE_ROOT/) });
  });
});

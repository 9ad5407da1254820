import { Injectable } from '@nestjs/common';
import { constants } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { AgentsEnv } from '@nitro/config';
import { ERROR_CODES, ScanDirectoryInputDto, ScanResultDto } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { classify } from './file-type.util';
import { isInside, resolveInside, workspaceRoot } from './workspace-path.util';

/** Bytes read from one file: enough for its type and, for most text files, its line count. */
const HEAD_BYTES = 256 * 1024;

type Limit = 'max_depth' | 'max_files' | 'max_bytes' | 'time';

interface ScanState {
  root: string;
  entries: Record<string, unknown>[];
  hit: Set<Limit>;
  files: number;
  dirs: number;
  bytesRead: number;
  totalBytes: number;
  byKind: Record<string, number>;
  deadline: number;
  stopped: boolean;
}

/**
 * scan_directory: walks a folder inside AGENTS_WORKSPACE_ROOT without following links, reading at
 * most a head of each regular file. Each limit that stops it is named in `limits_hit`.
 */
@Injectable()
export class WorkspaceScannerService {
  constructor(private readonly env: AgentsEnv) {}

  async scan(input: ScanDirectoryInputDto): Promise<ScanResultDto> {
    const root = await workspaceRoot(this.env.AGENTS_WORKSPACE_ROOT);
    const start = await resolveInside(root, input.path ?? '.');
    if (!(await stat(start)).isDirectory()) throw new ServiceError(400, ERROR_CODES.validation, 'data.path must be a directory');
    const limits = {
      max_depth: Math.min(input.max_depth ?? Infinity, this.env.SCAN_MAX_DEPTH),
      max_files: Math.min(input.max_files ?? Infinity, this.env.SCAN_MAX_FILES),
      max_bytes: this.env.SCAN_MAX_BYTES,
    };
    const s: ScanState = {
      root,
      entries: [],
      hit: new Set(),
      files: 0,
      dirs: 0,
      bytesRead: 0,
      totalBytes: 0,
      byKind: {},
      deadline: Date.now() + this.env.FILE_PARSE_TIMEOUT_MS,
      stopped: false,
    };
    await this.walk(start, 0, limits, s);
    return {
      path: relative(root, start).split(sep).join('/') || '.',
      partial: s.hit.size > 0,
      limits_hit: [...s.hit],
      limits,
      summary: { files: s.files, directories: s.dirs, bytes_read: s.bytesRead, total_bytes: s.totalBytes, by_kind: s.byKind },
      entries: s.entries,
    };
  }

  private async walk(
    dir: string,
    depth: number,
    limits: { max_depth: number; max_files: number; max_bytes: number },
    s: ScanState,
  ): Promise<void> {
    // Re-check before reading: the folder could have been swapped for a link since it was listed.
    if (!isInside(s.root, await realpath(dir)))
      return void s.entries.push({ path: this.rel(s, dir), skipped: 'leads outside the workspace' });
    const items = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const item of items) {
      if (s.stopped) return;
      if (Date.now() > s.deadline) return this.stop(s, 'time');
      const full = join(dir, item.name);
      const path = this.rel(s, full);
      if (item.isSymbolicLink()) {
        const target = await realpath(full).catch(() => null);
        s.entries.push({
          path,
          skipped:
            target && isInside(s.root, target)
              ? 'symbolic link (not followed)'
              : 'symbolic link leading outside the workspace (not followed)',
        });
      } else if (item.isDirectory()) {
        s.dirs++;
        if (depth + 1 > limits.max_depth) {
          s.hit.add('max_depth');
          s.entries.push({ path, kind: 'directory', skipped: `deeper than max_depth ${limits.max_depth}` });
        } else await this.walk(full, depth + 1, limits, s);
      } else if (item.isFile()) {
        if (s.files >= limits.max_files) return this.stop(s, 'max_files');
        await this.readFile(full, path, limits.max_bytes, s);
      } else s.entries.push({ path, skipped: 'not a regular file' });
    }
  }

  private async readFile(full: string, path: string, maxBytes: number, s: ScanState): Promise<void> {
    const budget = maxBytes - s.bytesRead;
    if (budget <= 0) return this.stop(s, 'max_bytes');
    // O_NOFOLLOW: a file swapped for a link meanwhile is not opened; O_NONBLOCK: never hang on a FIFO.
    const handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
    if (!handle) return void s.entries.push({ path, skipped: 'could not be opened' });
    try {
      const { size } = await handle.stat();
      const want = Math.min(size, HEAD_BYTES, budget);
      const buf = Buffer.alloc(want);
      const { bytesRead } = await handle.read(buf, 0, want, 0);
      s.files++;
      s.bytesRead += bytesRead;
      s.totalBytes += size;
      const found = await classify(buf.subarray(0, bytesRead));
      const kind = size > 0 && bytesRead === 0 ? 'unknown' : found.type.kind;
      s.byKind[kind] = (s.byKind[kind] ?? 0) + 1;
      const whole = bytesRead === size;
      const lines =
        whole && found.decoded ? found.decoded.text.split('\n').length - (found.decoded.text.endsWith('\n') ? 1 : 0) : undefined;
      s.entries.push({
        path,
        size,
        kind,
        mime: found.type.mime,
        ...(lines !== undefined ? { lines } : {}),
        ...(whole ? {} : { read_bytes: bytesRead }),
      });
      if (want === budget && want < Math.min(size, HEAD_BYTES)) this.stop(s, 'max_bytes');
    } finally {
      await handle.close();
    }
  }

  private stop(s: ScanState, limit: Limit): void {
    s.hit.add(limit);
    s.stopped = true;
  }

  private rel(s: ScanState, full: string): string {
    return relative(s.root, full).split(sep).join('/');
  }
}

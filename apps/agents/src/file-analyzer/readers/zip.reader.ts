import * as yauzl from 'yauzl';
import { ServiceError } from '@nitro/service-kit';
import { withTimeout } from './with-timeout.util';

// yauzl 3 exports this; @types/yauzl (written for 2.x) does not declare it.
const { getFileNameLowLevel } = yauzl as unknown as {
  getFileNameLowLevel(flags: number, name: Buffer, extra: yauzl.Entry['extraFields'], strict: boolean): string;
};
const MAX_LISTED = 1_000;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
/** Ratio and size above which an archive is flagged as a likely zip bomb. */
const BOMB_RATIO = 100;
const BOMB_BYTES = 1024 ** 3;

interface ZipEntry {
  name: string;
  size: number;
  compressed_size: number;
  directory: boolean;
  encrypted: boolean;
  unsafe?: string;
}

/** Why extracting this entry would be dangerous: a path leaving the target folder, or a symlink. */
function unsafeReason(name: string, raw: yauzl.Entry): string | undefined {
  const problem = yauzl.validateFileName(name);
  if (problem) return problem.startsWith('invalid relative path') ? `path escapes the extraction folder ("..")` : problem;
  if (((raw.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return 'symbolic link';
  return undefined;
}

function container(names: string[]): string | undefined {
  const has = (p: string) => names.some((n) => n.startsWith(p));
  if (has('[Content_Types].xml')) return has('word/') ? 'docx' : has('xl/') ? 'xlsx' : has('ppt/') ? 'pptx' : 'office-open-xml';
  if (has('META-INF/MANIFEST.MF')) return 'jar';
  if (has('mimetype')) return 'opendocument-or-epub';
  return undefined;
}

/**
 * Lists a ZIP from memory with yauzl. Nothing is extracted or written anywhere, so an entry named
 * `../evil` cannot land outside any folder; such entries are flagged. Names are decoded here
 * (decodeStrings: false) because yauzl would otherwise stop at the first unsafe name.
 */
export async function readZip(bytes: Buffer, timeoutMs: number) {
  const work = new Promise<ReturnType<typeof summarise>>((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no archive'));
      const entries: ZipEntry[] = [];
      let seen = 0;
      zip.on('entry', (raw: yauzl.Entry) => {
        seen++;
        const name = getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileName as unknown as Buffer, raw.extraFields, false);
        if (entries.length < MAX_LISTED) {
          const unsafe = unsafeReason(name, raw);
          entries.push({
            name,
            size: raw.uncompressedSize,
            compressed_size: raw.compressedSize,
            directory: name.endsWith('/'),
            encrypted: (raw.generalPurposeBitFlag & 1) === 1,
            ...(unsafe ? { unsafe } : {}),
          });
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve(summarise(entries, zip.entryCount, seen)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
  try {
    return await withTimeout(work, timeoutMs, 'listing the ZIP');
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    throw new ServiceError(422, 'UNREADABLE_FILE', `the file starts like a ZIP but cannot be read: ${(err as Error).message}`);
  }
}

function summarise(entries: ZipEntry[], total: number, seen: number) {
  const uncompressed = entries.reduce((s, e) => s + e.size, 0);
  const compressed = entries.reduce((s, e) => s + e.compressed_size, 0);
  const ratio = compressed ? Math.round((uncompressed / compressed) * 10) / 10 : 0;
  const unsafe = entries.filter((e) => e.unsafe);
  const warnings: string[] = [];
  if (unsafe.length)
    warnings.push(
      `${unsafe.length} entr${unsafe.length === 1 ? 'y' : 'ies'} would be written outside the extraction folder or are links: ${unsafe
        .slice(0, 5)
        .map((e) => e.name)
        .join(', ')}`,
    );
  if (ratio > BOMB_RATIO && uncompressed > BOMB_BYTES)
    warnings.push(`compression ratio ${ratio}:1 for ${uncompressed} bytes: likely a zip bomb`);
  if (entries.some((e) => e.encrypted)) warnings.push('some entries are encrypted');
  return {
    entries_total: total,
    entries_listed: entries.length,
    truncated: seen > entries.length,
    files: entries.filter((e) => !e.directory).length,
    directories: entries.filter((e) => e.directory).length,
    uncompressed_bytes: uncompressed,
    compressed_bytes: compressed,
    compression_ratio: ratio,
    container: container(entries.map((e) => e.name)),
    unsafe_entries: unsafe.map((e) => ({ name: e.name, reason: e.unsafe })),
    warnings,
    extracted: false,
    entries,
  };
}

import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { importEsm } from '../../providers/local/esm-import.util';
import type { NodeLlamaCpp } from '../../providers/local/llama-engine';
import { refusedHost } from './address-guard';
import { fileNameOf } from './default-model';
import { isGguf, sha256File } from './file-digest';

/** Why a download did not produce a usable file. `message` says it in words a user can act on. */
export type ModelDownloadErrorCode =
  | 'no_digest' // nothing to verify against: refused before any byte is fetched
  | 'bad_url'
  | 'not_found' // HTTP 404/410
  | 'http_status' // any other non-2xx answer
  | 'timeout' // no answer within answerTimeoutMs
  | 'stalled' // answered, then no bytes for stallTimeoutMs (the partial file is kept for a resume)
  | 'unreachable' // DNS, refused, reset: typically offline
  | 'too_large'
  | 'not_gguf' // downloaded, but not a GGUF file (removed)
  | 'digest_mismatch' // downloaded, but the sha256 differs (removed)
  | 'exists' // the file name is taken and the caller did not ask to replace it (nothing fetched)
  | 'blocked_address' // the host (or a redirect) is link-local / cloud metadata, refused when refuseLinkLocal
  | 'in_use' // verified, but the file it would replace is generating an answer (the new one is removed)
  | 'cancelled';

export class ModelDownloadError extends Error {
  constructor(
    readonly code: ModelDownloadErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ModelDownloadError';
  }
}

/** One progress report. Bytes are of the whole file; `downloadedBytes` never decreases and the last report equals `totalBytes`. */
export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
  /** Average over the download so far, bytes per second. */
  bytesPerSecond: number;
  /** Seconds left at the current speed; null while unknown. */
  etaSeconds: number | null;
}

export interface FetchModelOptions {
  /** http(s) URL of one .gguf file. */
  url: string;
  /** Expected sha256 (64 hex digits). Null or empty: refused with `no_digest` before any download, unless `allowUnverified`. */
  sha256: string | null;
  /**
   * Without a digest, download anyway (the GGUF check still applies) and report the file's sha256:
   * the admin's pull API, where the digest is optional.
   */
  allowUnverified?: boolean;
  /**
   * What to do with a file of that name already in modelsDir that does not match `sha256` (or any file,
   * without one): true replaces it once the new file verified; false refuses with `exists` before any
   * download. Default: true with a digest (provisioning re-checks its pinned model), false without.
   */
  replaceExisting?: boolean;
  /**
   * Called after the new file verified, just before it replaces an existing one (one rename): unload
   * the old file, or throw a ModelDownloadError (e.g. `in_use`) to keep it; the new file is then removed.
   */
  beforeReplace?(path: string): Promise<void>;
  /**
   * Refuse hosts (and redirect targets) that resolve to link-local or cloud metadata addresses
   * (address-guard.ts): the admin's pull API, where a URL comes from a request. Redirects are then
   * followed by the probe, each hop checked, and the downloader is given the final URL.
   */
  refuseLinkLocal?: boolean;
  /** Where verified models live (ai-router reads the first .gguf there). Partial files go to `<modelsDir>/.incoming/`. */
  modelsDir: string;
  /** Saved as; default: the URL's last path segment. Must end in .gguf. */
  fileName?: string;
  /** Longest wait (ms) for the host's first answer (the size probe, then the downloader's own request). */
  answerTimeoutMs: number;
  /** Longest time (ms) with no new byte once the transfer runs; then `stalled`, keeping the partial file. */
  stallTimeoutMs: number;
  /** Refuse files larger than this (bytes): the declared size before downloading, the bytes received while downloading. */
  maxBytes?: number;
  /** Called once the host answered, before the transfer (ipull opens up to 3 connections per file). */
  onStart?(info: { fileName: string; totalBytes: number; rangeSupport: boolean }): void;
  onProgress?(p: DownloadProgress): void;
  /** Things worth telling the user that are not errors (a bad existing file replaced, a resume). */
  onNotice?(message: string): void;
  signal?: AbortSignal;
}

export interface FetchedModel {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** True when a verified copy was already in modelsDir (nothing was downloaded). */
  alreadyPresent: boolean;
}

/** Where unverified bytes live: a hidden folder, so nothing that lists models/*.gguf ever sees them. */
export const INCOMING_DIR = '.incoming';

/**
 * Downloads one GGUF file with node-llama-cpp's downloader (ipull: parallel connections, retries
 * with Range after a dropped connection, a `.ipull` partial file that the next run resumes), then
 * checks the GGUF magic and the sha256 and only then moves it into `modelsDir` (replacing a file of
 * that name in one rename; a failed fetch leaves that file untouched). A file that fails a check is deleted. Every network step is bounded: `answerTimeoutMs` for answers,
 * `stallTimeoutMs` for a transfer that stops moving.
 */
export async function fetchVerifiedModel(o: FetchModelOptions): Promise<FetchedModel> {
  const expected = (o.sha256 ?? '').toLowerCase();
  const unverified = !expected && o.allowUnverified === true;
  if (!unverified && !/^[0-9a-f]{64}$/.test(expected)) {
    throw new ModelDownloadError(
      'no_digest',
      `no sha256 to verify ${o.url} against, so it is not downloaded: set NITRO_DEFAULT_MODEL_SHA256 to the file's published sha256`,
    );
  }
  let fileName: string;
  try {
    fileName = o.fileName ?? fileNameOf(o.url);
  } catch {
    throw new ModelDownloadError('bad_url', `not a URL: ${o.url}`);
  }
  if (!/^[\w.+-]+\.gguf$/i.test(fileName))
    throw new ModelDownloadError('bad_url', `the file name "${fileName}" is not a plain .gguf name (from ${o.url})`);

  const finalPath = join(o.modelsDir, fileName);
  // An existing file is never touched before the new one verified: a failed pull leaves it as it was.
  if (existsSync(finalPath)) {
    const actual = await sha256File(finalPath);
    if (!unverified && actual === expected)
      return { path: finalPath, sizeBytes: (await stat(finalPath)).size, sha256: actual, alreadyPresent: true };
    if (!(o.replaceExisting ?? !unverified))
      throw new ModelDownloadError('exists', `${fileName} is already in ${o.modelsDir} (sha256 ${actual}); ask to replace it`, {
        sha256: actual,
      });
    o.onNotice?.(`${finalPath} has sha256 ${actual}${unverified ? '' : `, not ${expected}`}: replacing it once the new file verified`);
  }

  const probe = await probeUrl(o.url, o.answerTimeoutMs, o.signal, o.refuseLinkLocal);
  if (o.maxBytes && probe.totalBytes > o.maxBytes) {
    throw new ModelDownloadError('too_large', `${o.url} is ${probe.totalBytes} bytes, over the limit of ${o.maxBytes}`, {
      totalBytes: probe.totalBytes,
    });
  }
  o.onStart?.({ fileName, totalBytes: probe.totalBytes, rangeSupport: probe.rangeSupport });

  const incoming = join(o.modelsDir, INCOMING_DIR);
  await mkdir(incoming, { recursive: true });
  if (existsSync(join(incoming, `${fileName}.ipull`))) o.onNotice?.(`resuming the partial download in ${incoming}`);
  let downloaded: string;
  try {
    downloaded = await download({ ...o, url: probe.url }, incoming, fileName, probe.totalBytes);
  } catch (err) {
    // Bytes past the limit are not worth keeping for a resume.
    if (err instanceof ModelDownloadError && err.code === 'too_large') await removeDownload(incoming, fileName);
    throw err;
  }

  const sizeBytes = (await stat(downloaded)).size;
  if (!(await isGguf(downloaded))) {
    await removeDownload(incoming, fileName);
    throw new ModelDownloadError('not_gguf', `${o.url} is not a GGUF file (it does not start with "GGUF"); removed`);
  }
  const actual = await sha256File(downloaded);
  if (!unverified && actual !== expected) {
    await removeDownload(incoming, fileName);
    throw new ModelDownloadError(
      'digest_mismatch',
      `${fileName} from ${o.url} has sha256 ${actual}, expected ${expected}: removed, not used`,
      { expected, actual },
    );
  }
  if (existsSync(finalPath) && o.beforeReplace) {
    try {
      await o.beforeReplace(finalPath);
    } catch (err) {
      await removeDownload(incoming, fileName);
      throw err;
    }
  }
  // One rename on the same file system: readers see the old file or the new one, never a gap or a partial file.
  await rename(downloaded, finalPath);
  return { path: finalPath, sizeBytes, sha256: actual, alreadyPresent: false };
}

/** A one-byte ranged GET: the size, whether Range works, and clear errors (404, timeout, offline) before the downloader starts. */
async function probeUrl(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
  guard = false,
): Promise<{ url: string; totalBytes: number; rangeSupport: boolean }> {
  const signals = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]);
  let res: Response;
  for (let hops = 0; ; hops++) {
    const refused = guard ? await refusedHost(url) : null;
    if (refused) throw new ModelDownloadError('blocked_address', refused);
    try {
      res = await fetch(url, {
        headers: { Range: 'bytes=0-0', 'Accept-Encoding': 'identity' },
        signal: signals,
        redirect: guard ? 'manual' : 'follow',
      });
    } catch (err) {
      throw networkError(err, url, timeoutMs, signal);
    }
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (!guard || !location) break;
    await res.body?.cancel().catch(() => undefined);
    if (hops >= 10) throw new ModelDownloadError('http_status', `${url} redirects more than 10 times`, { status: res.status });
    url = new URL(location, url).href;
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status === 404 || res.status === 410)
    throw new ModelDownloadError('not_found', `${url} does not exist (HTTP ${res.status})`, { status: res.status });
  if (!res.ok)
    throw new ModelDownloadError(
      'http_status',
      `${url} answered HTTP ${res.status}${res.status === 401 || res.status === 403 ? ' (it needs authorization)' : ''}`,
      { status: res.status },
    );
  const range = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
  const totalBytes = res.status === 206 && range ? Number(range[1]) : Number(res.headers.get('content-length') ?? 0);
  return { url, totalBytes, rangeSupport: res.status === 206 };
}

function networkError(err: unknown, url: string, timeoutMs: number, signal?: AbortSignal): ModelDownloadError {
  if (signal?.aborted) return new ModelDownloadError('cancelled', 'download cancelled');
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError')
    return new ModelDownloadError('timeout', `no answer from ${new URL(url).host} within ${timeoutMs / 1000} s`);
  const why = e.cause?.code ?? e.cause?.message ?? e.message;
  return new ModelDownloadError('unreachable', `cannot reach ${new URL(url).host} (${why})`, { cause: why });
}

async function download(o: FetchModelOptions, dir: string, fileName: string, probedTotal: number): Promise<string> {
  const { createModelDownloader } = await importEsm<NodeLlamaCpp>('node-llama-cpp');
  const started = Date.now();
  const stop = new AbortController();
  let lastChange = Date.now();
  let seen = -1;
  let reported = 0;
  let base: number | undefined; // bytes already on disk when this run started (a resume): not part of its rate
  let total = probedTotal;
  const report = (downloadedRaw: number, totalRaw: number) => {
    total = totalRaw || total;
    if (o.maxBytes && (downloadedRaw > o.maxBytes || total > o.maxBytes) && !stop.signal.aborted) {
      stop.abort(
        new ModelDownloadError('too_large', `${o.url} is larger than the limit of ${o.maxBytes} bytes; stopped and removed`, {
          totalBytes: Math.max(total, downloadedRaw),
        }),
      );
    }
    if (downloadedRaw !== seen) {
      seen = downloadedRaw;
      lastChange = Date.now();
    }
    // ipull re-fetches a whole chunk after a dropped connection, so its count can step back: report the high-water mark.
    reported = Math.min(Math.max(reported, downloadedRaw), total || Infinity);
    base ??= reported;
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const bytesPerSecond = (reported - base) / seconds;
    o.onProgress?.({
      downloadedBytes: reported,
      totalBytes: total,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 && total ? (total - reported) / bytesPerSecond : null,
    });
  };

  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  let downloader: Awaited<ReturnType<NodeLlamaCpp['createModelDownloader']>>;
  try {
    downloader = await withDeadline(
      createModelDownloader({
        modelUri: o.url,
        dirPath: dir,
        fileName,
        deleteTempFileOnCancel: false,
        skipExisting: true,
        onProgress: (s) => report(s.downloadedSize, s.totalSize),
      }),
      o.answerTimeoutMs,
      () => new ModelDownloadError('timeout', `no answer from ${new URL(o.url).host} within ${o.answerTimeoutMs / 1000} s`),
    );
  } catch (err) {
    throw err instanceof ModelDownloadError ? err : downloaderError(err, o.url);
  }
  const watchdog = setInterval(
    () => {
      if (Date.now() - lastChange > o.stallTimeoutMs) {
        stop.abort(
          new ModelDownloadError(
            'stalled',
            `no data from ${new URL(o.url).host} for ${o.stallTimeoutMs / 1000} s; the partial file is kept and the next run resumes it`,
          ),
        );
      }
    },
    Math.min(1000, Math.max(50, o.stallTimeoutMs / 4)),
  );
  try {
    const path = await downloader.download({ signal });
    // A cancelled ipull download can resolve instead of rejecting: the file is then still partial.
    if (stop.signal.aborted) throw stop.signal.reason;
    if (o.signal?.aborted) throw new ModelDownloadError('cancelled', 'download cancelled');
    report(downloader.totalSize || total, downloader.totalSize || total);
    return path;
  } catch (err) {
    if (stop.signal.aborted) throw stop.signal.reason;
    if (o.signal?.aborted) throw new ModelDownloadError('cancelled', 'download cancelled');
    throw downloaderError(err, o.url);
  } finally {
    clearInterval(watchdog);
  }
}

function downloaderError(err: unknown, url: string): ModelDownloadError {
  const e = err as Error & { statusCode?: number };
  if (e.statusCode === 404 || e.statusCode === 410)
    return new ModelDownloadError('not_found', `${url} does not exist (HTTP ${e.statusCode})`, { status: e.statusCode });
  if (e.statusCode) return new ModelDownloadError('http_status', `${url} answered HTTP ${e.statusCode}`, { status: e.statusCode });
  return new ModelDownloadError('unreachable', `download of ${url} failed: ${e.message}`);
}

async function removeDownload(dir: string, fileName: string): Promise<void> {
  await rm(join(dir, fileName), { force: true });
  await rm(join(dir, `${fileName}.ipull`), { force: true });
}

function withDeadline<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)));
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

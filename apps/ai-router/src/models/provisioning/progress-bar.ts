import type { DownloadProgress } from './model-fetcher';

export interface ProgressBar {
  update(p: DownloadProgress): void;
  /** Ends the line (a terminal bar is redrawn in place until then). */
  done(): void;
}

const MB = 1e6;

/** One line of text for a progress report: bar, percent, MB done/total, MB/s, seconds left. */
export function formatProgress(p: DownloadProgress, width = 30): string {
  const ratio = p.totalBytes ? Math.min(p.downloadedBytes / p.totalBytes, 1) : 0;
  const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '.');
  const eta = p.etaSeconds === null ? '' : ` ${Math.ceil(p.etaSeconds)} s left`;
  return `[${bar}] ${(ratio * 100).toFixed(1).padStart(5)}% ${(p.downloadedBytes / MB).toFixed(1)}/${(p.totalBytes / MB).toFixed(1)} MB ${(p.bytesPerSecond / MB).toFixed(1)} MB/s${eta}`;
}

/**
 * A progress bar on a terminal (redrawn in place at most every 100 ms); in a log (compose, Kubernetes,
 * CI) one line per 10 % instead, so logs stay readable. Our own renderer: node-llama-cpp's CLI bar
 * takes over the terminal and swallows later output, including our error messages.
 */
export function createProgressBar(out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): ProgressBar {
  let lastDraw = 0;
  let lastDecile = -1;
  let last: DownloadProgress | undefined;
  let drawn = false;
  return {
    update(p) {
      last = p;
      const complete = p.totalBytes > 0 && p.downloadedBytes >= p.totalBytes;
      if (out.isTTY) {
        if (!complete && Date.now() - lastDraw < 100) return;
        lastDraw = Date.now();
        out.write(`\r${formatProgress(p)}   `);
        drawn = true;
        return;
      }
      const decile = p.totalBytes ? Math.floor((p.downloadedBytes / p.totalBytes) * 10) : 0;
      if (decile > lastDecile) {
        lastDecile = decile;
        out.write(`${formatProgress(p)}\n`);
      }
    },
    done() {
      if (out.isTTY && drawn) {
        if (last) out.write(`\r${formatProgress(last)}   `);
        out.write('\n');
      }
    },
  };
}

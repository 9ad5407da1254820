/**
 * Downloads a small chat model for the `local` provider into <repo>/models/, where ai-router finds
 * it without configuration. Runs only when asked: `node dist/apps/ai-router/src/model-download.js`
 * (or `NITRO_DOWNLOAD_MODEL=1 pnpm start` when no model is present).
 *
 *   node dist/apps/ai-router/src/model-download.js [model-uri]
 *
 * Default: Qwen2.5 0.5B Instruct, Q4_K_M GGUF (about 0.4-0.5 GB; the exact size is printed before
 * the download starts). Apache-2.0. It has a chat template, so the local provider uses it.
 */
import { mkdirSync } from 'node:fs';
import { importEsm } from './providers/local/esm-import.util';
import type { NodeLlamaCpp } from './providers/local/llama-engine';
import { MODELS_DIR, resolveModelFile } from './providers/local/model-file.util';

export const RECOMMENDED_MODEL = {
  name: 'Qwen2.5 0.5B Instruct (Q4_K_M)',
  uri: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
  approxSize: 'about 0.4-0.5 GB',
};

async function main(): Promise<number> {
  const uri = process.argv[2] ?? RECOMMENDED_MODEL.uri;
  const existing = resolveModelFile('');
  if (existing.path && !process.argv[2]) {
    console.log(`A model is already there: ${existing.path} (nothing to download).`);
    return 0;
  }
  mkdirSync(MODELS_DIR, { recursive: true });
  const { createModelDownloader } = await importEsm<NodeLlamaCpp>('node-llama-cpp');
  console.log(`Downloading ${uri === RECOMMENDED_MODEL.uri ? RECOMMENDED_MODEL.name : uri} into ${MODELS_DIR}`);
  try {
    // Offline, resolving the file can hang on unanswered connections: give up with a clear message.
    const downloader = await withTimeout(createModelDownloader({ modelUri: uri, dirPath: MODELS_DIR, onProgress: progressBar }), 30_000, 'no answer from the model host within 30 s');
    console.log(`File: ${downloader.entrypointFilename}, ${(downloader.totalSize / 1e6).toFixed(0)} MB`);
    const path = await downloader.download();
    process.stderr.write('\n');
    console.log(`Done: ${path}\nai-router picks up the first .gguf in ${MODELS_DIR}; or set LOCAL_MODEL_PATH=${path}`);
    return 0;
  } catch (err) {
    console.error(
      `Could not download the model: ${(err as Error).message}\n` +
        `Offline? Copy any .gguf chat model into ${MODELS_DIR} (or set LOCAL_MODEL_PATH to one). ` +
        `Chat also works with Ollama (OLLAMA_HOST) or Gemini (GEMINI_API_KEY).`,
    );
    return 1;
  }
}

/** Our own bar (the library's CLI renderer swallows later console output, including our error messages). */
function progressBar(s: { totalSize: number; downloadedSize: number; averageSpeed: number; estimatedTimeLeft: number }): void {
  const ratio = s.totalSize ? s.downloadedSize / s.totalSize : 0;
  const width = 30;
  const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '.');
  const mb = (n: number) => (n / 1e6).toFixed(0);
  const eta = Number.isFinite(s.estimatedTimeLeft) ? `${Math.round(s.estimatedTimeLeft / 1000)} s left` : '';
  process.stderr.write(`\r[${bar}] ${(ratio * 100).toFixed(1)}% ${mb(s.downloadedSize)}/${mb(s.totalSize)} MB ${(s.averageSpeed / 1e6).toFixed(1)} MB/s ${eta}   `);
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}

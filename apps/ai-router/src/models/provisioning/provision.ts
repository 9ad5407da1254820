import { existsSync, readdirSync } from 'node:fs';
import type { AiRouterEnv } from '@nitro/config';
import { effectiveDefaultModel, fileNameOf, ModelPin } from './default-model';
import { fetchVerifiedModel, ModelDownloadError } from './model-fetcher';
import { createProgressBar } from './progress-bar';
import { providerSummary } from './provider-summary';

export type ProvisionEnv = Pick<
  AiRouterEnv,
  | 'NITRO_DOWNLOAD_MODEL'
  | 'NITRO_DEFAULT_MODEL_URL'
  | 'NITRO_DEFAULT_MODEL_SHA256'
  | 'MODEL_DOWNLOAD_ANSWER_TIMEOUT_MS'
  | 'MODEL_DOWNLOAD_STALL_TIMEOUT_MS'
  | 'LOCAL_MODEL_PATH'
  | 'AI_PROVIDERS'
  | 'OLLAMA_HOST'
  | 'OLLAMA_MODEL'
  | 'GEMINI_API_KEY'
  | 'GEMINI_MODEL'
>;

export interface ProvisionOptions {
  modelsDir: string;
  /** start.sh: do nothing when LOCAL_MODEL_PATH or any .gguf in modelsDir is there (the user's own model wins). */
  ifMissingAny?: boolean;
  /** Messages for people (stdout); the progress bar goes to `progress`. */
  say?(line: string): void;
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal;
}

export interface ProvisionOutcome {
  status: 'present' | 'downloaded' | 'skipped' | 'failed';
  path?: string;
  error?: ModelDownloadError;
}

/**
 * Makes sure the default chat model is in `modelsDir`, verified: fetched when missing (unless
 * NITRO_DOWNLOAD_MODEL=0), checked against the pinned sha256 when present. Never throws for a
 * network or digest problem: it says what happened, how to provide a model, and which providers are
 * configured, and returns `failed`, so the platform starts anyway.
 */
export async function provisionDefaultModel(env: ProvisionEnv, o: ProvisionOptions): Promise<ProvisionOutcome> {
  const say = o.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (o.ifMissingAny) {
    const own = env.LOCAL_MODEL_PATH && existsSync(env.LOCAL_MODEL_PATH) ? env.LOCAL_MODEL_PATH : firstGguf(o.modelsDir);
    if (own) {
      say(`model: ${own} (already there; nothing to download)`);
      return { status: 'present', path: own };
    }
  }
  const pin = effectiveDefaultModel(env);
  if (!env.NITRO_DOWNLOAD_MODEL) {
    say('model: download is off (NITRO_DOWNLOAD_MODEL=0).');
    await explain(env, o, pin, say);
    return { status: 'skipped' };
  }

  const bar = createProgressBar(o.progress ?? process.stderr);
  try {
    const result = await fetchVerifiedModel({
      url: pin.url,
      sha256: pin.sha256,
      modelsDir: o.modelsDir,
      answerTimeoutMs: env.MODEL_DOWNLOAD_ANSWER_TIMEOUT_MS,
      stallTimeoutMs: env.MODEL_DOWNLOAD_STALL_TIMEOUT_MS,
      signal: o.signal,
      onNotice: (m) => say(`model: ${m}`),
      onStart: ({ fileName, totalBytes }) => {
        say(
          `model: downloading ${pin.name}: ${fileName}, ${totalBytes ? `${(totalBytes / 1e6).toFixed(1)} MB` : `about ${(pin.approxBytes / 1e6).toFixed(0)} MB`}`,
        );
        say(`model: licence ${pin.licence} (${pin.licenceUrl})`);
        say(`model: from ${pin.url} into ${o.modelsDir}; it is checked against sha256 ${pin.sha256} before use`);
      },
      onProgress: (p) => bar.update(p),
    });
    bar.done();
    if (result.alreadyPresent) {
      say(`model: ${result.path} (${pin.name}, sha256 verified; nothing to download)`);
      return { status: 'present', path: result.path };
    }
    say(
      `model: ready: ${result.path} (${(result.sizeBytes / 1e6).toFixed(1)} MB, ${pin.name}, licence ${pin.licence}, sha256 ${result.sha256} verified)`,
    );
    return { status: 'downloaded', path: result.path };
  } catch (err) {
    bar.done();
    if (!(err instanceof ModelDownloadError)) throw err;
    say(`model: could not provide ${pin.name}: ${err.message}`);
    await explain(env, o, pin, say);
    return { status: 'failed', error: err };
  }
}

/** How to get a model without this download, and what can answer chat right now. */
async function explain(env: ProvisionEnv, o: ProvisionOptions, pin: ModelPin, say: (line: string) => void): Promise<void> {
  say('model: to give chat a local model, any one of:');
  say(
    `  - copy a .gguf chat model into ${o.modelsDir}/ (for example ${fileNameOf(pin.url)} from ${pin.url}), or set LOCAL_MODEL_PATH to one;`,
  );
  say('  - point NITRO_DEFAULT_MODEL_URL at a mirror or a local file server, with NITRO_DEFAULT_MODEL_SHA256 set to its sha256;');
  say('  - run `node dist/apps/ai-router/src/model-download.js` again once the network is there (a partial download resumes).');
  say('model: chat providers (AI_PROVIDERS, tried in this order):');
  for (const line of await providerSummary(env, o.modelsDir)) say(`  - ${line}`);
}

function firstGguf(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.gguf'))
    .sort()[0];
  return name ? `${dir}/${name}` : undefined;
}

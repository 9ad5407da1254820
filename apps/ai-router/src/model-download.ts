/**
 * Provisions the default chat model for the `local` provider (apps/ai-router/src/models/provisioning):
 * downloads it when missing, verifies its sha256, prints its name, size and licence, and when that is
 * not possible says how to provide a model and which chat providers are configured.
 *
 *   node dist/apps/ai-router/src/model-download.js [--dir <models dir>] [--if-missing-any] [--strict]
 *
 * --dir             where models live (default: <repo>/models, which ai-router reads; /app/models in images)
 * --if-missing-any  do nothing when LOCAL_MODEL_PATH or any .gguf is already there (scripts/start.sh)
 * --strict          exit 1 when no verified model could be provided (default: exit 0, the platform starts anyway)
 *
 * Variables (libs/config/src/ai-router.env.ts): NITRO_DOWNLOAD_MODEL (1; 0 = off), NITRO_DEFAULT_MODEL_URL,
 * NITRO_DEFAULT_MODEL_SHA256, MODEL_DOWNLOAD_ANSWER_TIMEOUT_MS, MODEL_DOWNLOAD_STALL_TIMEOUT_MS.
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AiRouterEnv, loadConfigOrExit } from '@nitro/config';
import { provisionDefaultModel } from './models/provisioning/provision';
import { MODELS_DIR } from './providers/local/model-file.util';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, 'if-missing-any': { type: 'boolean' }, strict: { type: 'boolean' } },
  });
  const env = loadConfigOrExit(AiRouterEnv, 'model-download');
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop.abort());
  const outcome = await provisionDefaultModel(env, {
    modelsDir: resolve(values.dir ?? MODELS_DIR),
    ifMissingAny: values['if-missing-any'],
    signal: stop.signal,
  });
  return values.strict && (outcome.status === 'failed' || outcome.status === 'skipped') ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`model-download failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}

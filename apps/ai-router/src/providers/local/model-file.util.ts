import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root (where pnpm-workspace.yaml is), from the source tree or from dist/. */
export function findRepoRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const MODELS_DIR = join(findRepoRoot(), 'models');

/** LOCAL_MODEL_PATH when set (it must exist), else the first .gguf under <repo>/models/ by name. */
export function resolveModelFile(configured: string, modelsDir: string = MODELS_DIR): { path?: string; problem?: string } {
  if (configured) {
    const path = resolve(configured);
    if (!existsSync(path) || !statSync(path).isFile()) return { problem: `LOCAL_MODEL_PATH=${configured} is not a file` };
    return { path };
  }
  const found = existsSync(modelsDir)
    ? readdirSync(modelsDir)
        .filter((f) => f.toLowerCase().endsWith('.gguf'))
        .sort()
    : [];
  if (found.length) return { path: join(modelsDir, found[0]) };
  return { problem: `no model: LOCAL_MODEL_PATH is unset and ${modelsDir} has no .gguf file` };
}

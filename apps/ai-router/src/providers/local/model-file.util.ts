import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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

/**
 * The default model file: LOCAL_MODEL_PATH when set and a file, else the first .gguf in modelsDir by
 * name. A LOCAL_MODEL_PATH that names no file is reported in `problem` but does not hide modelsDir:
 * the other files are still served (a deleted or mistyped path must not switch the provider off).
 */
export function resolveModelFile(configured: string, modelsDir: string = MODELS_DIR): { path?: string; problem?: string } {
  let missing: string | undefined;
  if (configured) {
    const path = resolve(configured);
    if (existsSync(path) && statSync(path).isFile()) return { path };
    missing = `LOCAL_MODEL_PATH=${configured} is not a file`;
  }
  const found = existsSync(modelsDir)
    ? readdirSync(modelsDir)
        .filter((f) => !f.startsWith('.') && f.toLowerCase().endsWith('.gguf'))
        .sort()
    : [];
  if (found.length) return { path: join(modelsDir, found[0]), ...(missing ? { problem: missing } : {}) };
  return {
    problem: missing
      ? `${missing} and ${modelsDir} has no .gguf file`
      : `no model: LOCAL_MODEL_PATH is unset and ${modelsDir} has no .gguf file`,
  };
}

/** MODELS_DIR as configured (empty: <repo>/models). */
export function modelsDirFrom(configured: string): string {
  return configured ? resolve(configured) : MODELS_DIR;
}

/** A local model file and the name it is served under (`local/<name>`: the file name without .gguf). */
export interface LocalModelFile {
  path: string;
  /** The file name, e.g. stories260K.gguf. */
  file: string;
  /** The model name, e.g. stories260K. */
  name: string;
  source: 'LOCAL_MODEL_PATH' | 'MODELS_DIR';
}

/**
 * Every local model: LOCAL_MODEL_PATH first (when it is a file), then each .gguf in modelsDir by
 * name (hidden files, folders such as `.incoming/` and a name already taken are skipped). Read from
 * the disk on each call, so a pulled or deleted file counts at once.
 */
export function listModelFiles(configured: string, modelsDir: string = MODELS_DIR): LocalModelFile[] {
  const out: LocalModelFile[] = [];
  const add = (path: string, source: LocalModelFile['source']) => {
    const file = basename(path);
    const name = file.replace(/\.gguf$/i, '');
    if (!out.some((m) => m.name === name)) out.push({ path, file, name, source });
  };
  // Only the configured file itself (when it exists): resolveModelFile's fallback is a MODELS_DIR file like any other.
  const configuredPath = configured ? resolve(configured) : undefined;
  if (configuredPath && resolveModelFile(configured, modelsDir).path === configuredPath) add(configuredPath, 'LOCAL_MODEL_PATH');
  if (!existsSync(modelsDir)) return out;
  for (const file of readdirSync(modelsDir).sort()) {
    if (file.startsWith('.') || !file.toLowerCase().endsWith('.gguf')) continue;
    const path = join(modelsDir, file);
    try {
      if (statSync(path).isFile()) add(path, 'MODELS_DIR');
    } catch {
      // deleted between readdir and stat
    }
  }
  return out;
}

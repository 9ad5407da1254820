import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * Compiles ai-router and the libs it imports with swc into a private folder, so the process
 * test runs the current sources without touching dist/ (other builds write there).
 */
export function buildAiRouter(): { script: string; cleanup(): void } {
  const outDir = join(ROOT, 'tmp', `ai-router-it-${process.pid}-${Date.now()}`);
  const sources = ['apps/ai-router/src', 'libs/config', 'libs/contracts', 'libs/observability', 'libs/service-kit', 'libs/transport'];
  execFileSync(join(ROOT, 'node_modules', '.bin', 'swc'), [...sources, '-d', outDir, '--config-file', '.swcrc', '--quiet'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const script = join(outDir, 'apps', 'ai-router', 'src', 'main.js');
  if (!existsSync(script)) throw new Error(`swc did not produce ${script}`);
  return { script, cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

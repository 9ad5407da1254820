import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CATALOGUE } from './error-codes';

const ROOT = join(__dirname, '..', '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

/** Error codes written as strings in production code: `error: 'X'`, `code: 'X'`, `ServiceError(400, 'X'`. */
const LITERAL = /(?:\berror: |\bcode: |ServiceError\(\d{3}, )'([A-Z][A-Z0-9_]+)'/g;
/** Node's own errno codes (ECONNREFUSED, ENOTFOUND …) are compared against, not answered. */
const NODE_ERRNO = /^E[A-Z]+$/;

describe('the error-code catalogue', () => {
  it('names every error code that production code can answer with', () => {
    const unknown: string[] = [];
    for (const top of ['apps', 'libs']) {
      for (const project of readdirSync(join(ROOT, top))) {
        const src = join(ROOT, top, project, 'src');
        if (!statSync(join(ROOT, top, project)).isDirectory() || project === 'web') continue;
        let files: string[] = [];
        try {
          files = sources(src);
        } catch {
          continue;
        }
        for (const file of files) {
          for (const m of readFileSync(file, 'utf8').matchAll(LITERAL)) {
            if (!NODE_ERRNO.test(m[1]) && !(m[1] in ERROR_CATALOGUE)) unknown.push(`${relative(ROOT, file)}: ${m[1]}`);
          }
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('describes each code', () => {
    for (const [code, text] of Object.entries(ERROR_CATALOGUE)) expect([code, text.length > 10]).toEqual([code, true]);
  });
});

import { AgentsEnv, loadConfig } from '@nitro/config';
import { CodeLanguage, FindingDto } from '@nitro/contracts';
import {
  CODE_SAMPLES as SAMPLES,
  EXPECTED_FINDINGS as EXPECTED,
  EXPECTED_LINTER_FINDINGS as LINTED,
} from '../../test/fixtures/code-samples';
import { CodeAnalyzerService } from './code-analyzer.service';
import { ReviewPool } from './review/review-pool.service';

describe('CodeAnalyzerService (real tree-sitter grammars and linters, in the worker pool)', () => {
  const env = loadConfig(AgentsEnv, {});
  const pool = new ReviewPool(env);
  const analyzer = new CodeAnalyzerService(pool, env);
  /** nitro's own findings as [rule, line]. */
  const pairs = (findings: FindingDto[]) => findings.filter((f) => f.engine === 'nitro').map((f) => [f.rule, f.line]);
  afterAll(() => pool.onModuleDestroy());

  it.each(Object.keys(SAMPLES) as CodeLanguage[])('%s: finds exactly what the sample contains, on the right lines', async (language) => {
    const report = await analyzer.analyze({ code: SAMPLES[language], language });
    expect(report.language).toBe(language);
    expect(pairs(report.findings)).toEqual(EXPECTED[language]);
    expect(report.findings.filter((f) => f.engine !== 'nitro').map((f) => [f.rule, f.line, f.column])).toEqual(LINTED[language]);
    for (const f of report.findings) {
      expect(f.message.length).toBeGreaterThan(5);
      expect(f.suggestion.length).toBeGreaterThan(5);
      expect(['info', 'warning', 'error']).toContain(f.severity);
    }
  });

  it('measures functions: line ranges, length, nesting, complexity, docs', async () => {
    const report = await analyzer.analyze({ code: SAMPLES.python, language: 'python' });
    expect(report.functions).toEqual([
      { name: 'load', start_line: 5, end_line: 8, lines: 4, params: 1, nesting_depth: 1, complexity: 1, documented: true },
      { name: 'process', start_line: 11, end_line: 18, lines: 8, params: 1, nesting_depth: 2, complexity: 3, documented: false },
      { name: 'long_one', start_line: 21, end_line: 83, lines: 63, params: 1, nesting_depth: 0, complexity: 1, documented: true },
    ]);
    // nitro: 2 warnings (debug-print, long-function) + 2 info (docstring, TODO); Ruff F401 is a warning.
    expect(report.summary).toEqual({ error: 0, warning: 3, info: 2 });
  });

  it('reports deep nesting at the innermost block and counts && / || / else-if as decisions', async () => {
    const code = `/** Deep. */
function deep(a, b) {
  if (a) {
    for (const x of b) {
      while (x) {
        try {
          if (a && b || x) {
            return 1;
          } else if (b) {
            return 2;
          }
        } catch (e) {}
      }
    }
  }
  return a ? 3 : 4;
}
`;
    const report = await analyzer.analyze({ code, language: 'javascript' });
    // if, for, while, if, &&, ||, else-if, catch, ternary = 9 decisions
    expect(report.functions[0]).toMatchObject({ name: 'deep', nesting_depth: 5, complexity: 10 });
    expect(pairs(report.findings)).toEqual([['deep-nesting', 7]]);
  });

  it('guesses the language from the file name, then the content', async () => {
    await expect(analyzer.analyze({ code: 'x = 1\n', filename: 'a.py' })).resolves.toMatchObject({
      language: 'python',
      language_source: 'filename',
    });
    await expect(analyzer.analyze({ code: 'package main\n\nfunc main() {}\n' })).resolves.toMatchObject({
      language: 'go',
      language_source: 'content',
    });
    await expect(analyzer.analyze({ code: 'hello there' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/language/),
    });
  });

  it('refuses code over MAX_CODE_CHARS naming the field and the limit', async () => {
    const small = new CodeAnalyzerService(pool, loadConfig(AgentsEnv, { MAX_CODE_CHARS: '10' }));
    await expect(small.analyze({ code: 'print(1)\nprint(2)\n', language: 'python' })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/code is 18 characters.*MAX_CODE_CHARS/),
    });
  });

  it('reports syntax errors with their line and still analyses the rest', async () => {
    const report = await analyzer.analyze({
      code: 'def ok():\n    """Doc."""\n    return 1\n\ndef broken(:\n    print(1)\n',
      language: 'python',
    });
    // Ruff reports the syntax error (nitro's own syntax-error is dropped when Ruff ran).
    expect(report.findings.some((f) => f.engine === 'ruff' && f.rule === 'invalid-syntax' && f.line === 5 && f.severity === 'error')).toBe(
      true,
    );
    expect(report.findings.some((f) => f.rule === 'syntax-error')).toBe(false);
    expect(report.functions.map((f) => f.name)).toContain('ok');
  });
});

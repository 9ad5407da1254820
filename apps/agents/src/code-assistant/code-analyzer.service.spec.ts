import { AgentsEnv, loadConfig } from '@nitro/config';
import { CodeLanguage, FindingDto } from '@nitro/contracts';
import { CODE_SAMPLES as SAMPLES, EXPECTED_FINDINGS as EXPECTED } from '../../test/fixtures/code-samples';
import { CodeAnalyzerService } from './code-analyzer.service';
import { TreeSitterLoader } from './tree-sitter.loader';

describe('CodeAnalyzerService (real tree-sitter grammars)', () => {
  const env = loadConfig(AgentsEnv, {});
  const analyzer = new CodeAnalyzerService(new TreeSitterLoader(), env);
  const pairs = (findings: FindingDto[]) => findings.map((f) => [f.rule, f.line]);

  it.each(Object.keys(SAMPLES) as CodeLanguage[])('%s: finds exactly what the sample contains, on the right lines', async (language) => {
    const report = await analyzer.analyze({ code: SAMPLES[language], language });
    expect(report.language).toBe(language);
    expect(pairs(report.findings)).toEqual(EXPECTED[language]);
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
    await expect(analyzer.analyze({ code: 'x = 1\n', filename: 'a.py' })).resolves.toMatchObject({ language: 'python', language_source: 'filename' });
    await expect(analyzer.analyze({ code: 'package main\n\nfunc main() {}\n' })).resolves.toMatchObject({ language: 'go', language_source: 'content' });
    await expect(analyzer.analyze({ code: 'hello there' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/language/) });
  });

  it('refuses code over MAX_CODE_CHARS naming the field and the limit', async () => {
    const small = new CodeAnalyzerService(new TreeSitterLoader(), loadConfig(AgentsEnv, { MAX_CODE_CHARS: '10' }));
    await expect(small.analyze({ code: 'print(1)\nprint(2)\n', language: 'python' })).rejects.toMatchObject({ status: 413, message: expect.stringMatching(/code is 18 characters.*MAX_CODE_CHARS/) });
  });

  it('reports syntax errors with their line and still analyses the rest', async () => {
    const report = await analyzer.analyze({ code: 'def ok():\n    """Doc."""\n    return 1\n\ndef broken(:\n    print(1)\n', language: 'python' });
    expect(report.findings.some((f) => f.rule === 'syntax-error' && f.line === 5 && f.severity === 'error')).toBe(true);
    expect(report.functions.map((f) => f.name)).toContain('ok');
  });
});

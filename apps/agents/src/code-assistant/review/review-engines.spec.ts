import { readFileSync } from 'node:fs';
import { AgentsEnv, loadConfig } from '@nitro/config';
import { CodeReportDto, FindingDto } from '@nitro/contracts';
import {
  CLEAN,
  GO_IGNORED,
  JAVA_EMPTY_CATCH,
  JS_EXPECTED,
  JS_INSECURE,
  largePython,
  PY_EXPECTED,
  PY_INSECURE,
  SECRET_VALUES,
  SECRETS,
} from '../../../test/fixtures/review-samples';
import { CodeAnalyzerService } from '../code-analyzer.service';
import { ReviewPool } from './review-pool.service';
import { RUFF_RULE_NAMES } from './ruff-rules.constants';

/** Real engines in real worker threads: Ruff (WASM), ESLint, secretlint, tree-sitter. */
describe('code review engines (issue 20)', () => {
  const env = loadConfig(AgentsEnv, {});
  const pool = new ReviewPool(env);
  const analyzer = new CodeAnalyzerService(pool, env);
  const by = (report: CodeReportDto, engine: string) => report.findings.filter((f) => f.engine === engine);
  const has = (findings: FindingDto[], rule: string, line: number) => findings.some((f) => f.rule === rule && f.line === line);

  beforeAll(() => pool.onModuleInit());
  afterAll(() => pool.onModuleDestroy());

  it('Python: Ruff finds pickle, eval, the bare except, the password and the mutable default, each with link, column and severity', async () => {
    const report = await analyzer.analyze({ code: PY_INSECURE, language: 'python' });
    const ruff = by(report, 'ruff');
    for (const [rule, line] of PY_EXPECTED) expect([rule, line, has(ruff, rule, line)]).toEqual([rule, line, true]);
    const b006 = ruff.find((f) => f.rule === 'B006')!;
    expect(b006).toMatchObject({
      engine: 'ruff',
      line: 4,
      column: 22,
      severity: 'warning',
      rule_url: 'https://docs.astral.sh/ruff/rules/mutable-argument-default/',
    });
    // Ruff offers a fix for B006: replace the default with None (and initialise in the body).
    expect(b006.fix?.edits[0]).toEqual({ line: 4, column: 22, end_line: 4, end_column: 24, text: 'None' });
    expect(ruff.find((f) => f.rule === 'S301')!.rule_url).toBe('https://docs.astral.sh/ruff/rules/suspicious-pickle-usage/');
    // nitro still measures: nesting five deep inside load().
    expect(report.functions[0]).toMatchObject({ name: 'load', nesting_depth: 5 });
    expect(has(by(report, 'nitro'), 'deep-nesting', 16)).toBe(true);
    expect(report.engines.map((e) => [e.engine, e.ran])).toEqual([
      ['ruff', true],
      ['secretlint', true],
      ['nitro', true],
    ]);
  });

  it('JavaScript: ESLint finds eval, new Function, exec with a concatenated command and innerHTML', async () => {
    const report = await analyzer.analyze({ code: JS_INSECURE, language: 'javascript' });
    const eslint = by(report, 'eslint');
    for (const [rule, line] of JS_EXPECTED) expect([rule, line, has(eslint, rule, line)]).toEqual([rule, line, true]);
    expect(eslint.find((f) => f.rule === 'no-eval')).toMatchObject({
      column: 3,
      severity: 'warning',
      rule_url: 'https://eslint.org/docs/latest/rules/no-eval',
    });
    expect(eslint.find((f) => f.rule === 'security/detect-child-process')!.rule_url).toMatch(
      /^https:\/\/github\.com\/eslint-community\/eslint-plugin-security\//,
    );
    expect(eslint.find((f) => f.rule === 'no-unsanitized/property')!.rule_url).toMatch(
      /^https:\/\/github\.com\/mozilla\/eslint-plugin-no-unsanitized\//,
    );
  });

  it('TypeScript: typescript-eslint syntax rules, with the fix ESLint offers', async () => {
    const report = await analyzer.analyze({
      code: '/** X. */\nexport function x(): number {\n  let n: any = 1;\n  return n;\n}\n',
      language: 'typescript',
    });
    const eslint = by(report, 'eslint');
    expect(eslint.map((f) => [f.rule, f.line, f.column])).toEqual([
      ['prefer-const', 3, 7],
      ['@typescript-eslint/no-explicit-any', 3, 10],
    ]);
    expect(eslint[0].fix).toEqual({
      description: 'ESLint autofix',
      edits: [{ line: 3, column: 3, end_line: 3, end_column: 18, text: 'const n: any = 1;' }],
    });
  });

  it('secrets: an AWS access key id and a private key block are reported by kind, never by value', async () => {
    const report = await analyzer.analyze({ code: SECRETS, language: 'python' });
    const secrets = by(report, 'secretlint');
    expect(secrets.map((f) => [f.rule, f.line, f.severity])).toEqual([
      ['@secretlint/secretlint-rule-aws/AWSAccessKeyID', 1, 'error'],
      ['@secretlint/secretlint-rule-privatekey/PrivateKey', 3, 'error'],
    ]);
    expect(secrets[0].message).toMatch(/AWS Access Key ID.*\[masked\]/);
    const json = JSON.stringify(report);
    for (const value of SECRET_VALUES) expect(json.includes(value.slice(4, 16))).toBe(false);
  });

  it.each(Object.keys(CLEAN) as (keyof typeof CLEAN)[])('clean %s: no engine reports anything', async (language) => {
    const report = await analyzer.analyze({ code: CLEAN[language], language });
    expect(report.findings).toEqual([]);
    expect(report.engines.every((e) => e.ran)).toBe(true);
  });

  it('Go and Java: nitro structural checks, and a commented catch is left alone', async () => {
    const go = await analyzer.analyze({ code: GO_IGNORED, language: 'go' });
    expect(by(go, 'nitro').map((f) => [f.rule, f.line])).toEqual([
      ['ignored-error', 7],
      ['empty-error-check', 9],
    ]);
    expect(by(go, 'nitro')[0]).toMatchObject({
      column: 2,
      rule_url: 'https://go.dev/doc/effective_go#errors',
      message: expect.stringMatching(/os\.WriteFile\(\)/),
    });
    const java = await analyzer.analyze({ code: JAVA_EMPTY_CATCH, language: 'java' });
    expect(by(java, 'nitro').map((f) => [f.rule, f.line])).toEqual([['empty-catch', 7]]);
    expect(by(java, 'nitro')[0].message).toMatch(/java\.io\.IOException/);
  });

  it('a ~100 KB Python file is reviewed within the time limit', async () => {
    const code = largePython();
    expect(code.length).toBeGreaterThan(95_000);
    const report = await analyzer.analyze({ code, language: 'python' });
    const defs = code.match(/^def /gm)!.length;
    expect(defs).toBeGreaterThan(800);
    expect(report.functions.length).toBe(500); // the listing is capped; findings are not
    expect(by(report, 'ruff').filter((f) => f.rule === 'S307').length).toBe(defs);
    expect(by(report, 'ruff').filter((f) => f.rule === 'E722').length).toBe(defs);
  });

  it('every Ruff rule name we link to exists in the Ruff build we ship', () => {
    const binary = readFileSync(require.resolve('@astral-sh/ruff-wasm-nodejs/ruff_wasm_bg.wasm')).toString('latin1');
    const missing = Object.values(RUFF_RULE_NAMES).filter((name) => !binary.includes(name));
    expect(missing).toEqual([]);
  });

  it('GET /agent/list data: engines with versions and the configured rule sets', () => {
    const engines = analyzer.engines();
    expect(engines.map((e) => e.engine)).toEqual(['ruff', 'eslint', 'secretlint', 'nitro']);
    expect(engines[0]).toMatchObject({
      version: '0.17.3',
      languages: ['python'],
      rule_sets: { python: ['E4', 'E7', 'E9', 'F', 'B', 'S', 'PLE', 'SIM'] },
      disabled_rules: [],
    });
    expect(engines[1].rule_sets).toEqual({
      javascript: ['recommended', 'security', 'no-unsanitized'],
      typescript: ['recommended', 'typescript', 'security', 'no-unsanitized'],
    });
    expect(engines[3].rule_sets.go).toEqual(expect.arrayContaining(['ignored-error', 'empty-error-check', 'long-function']));
  });
});

describe('code review configuration and limits', () => {
  it('rule sets come from config: RUFF_SELECT, ESLINT_DISABLED_RULES, SECRETLINT_ENABLED, GO_CHECKS', async () => {
    const env = loadConfig(AgentsEnv, {
      RUFF_SELECT: 'S',
      ESLINT_DISABLED_RULES: 'no-eval,security/detect-eval-with-expression',
      SECRETLINT_ENABLED: 'false',
      GO_CHECKS: 'empty-error-check',
      CODE_REVIEW_WORKERS: '1',
    });
    const pool = new ReviewPool(env);
    const analyzer = new CodeAnalyzerService(pool, env);
    try {
      const py = await analyzer.analyze({ code: PY_INSECURE, language: 'python' });
      const codes = py.findings.filter((f) => f.engine === 'ruff').map((f) => f.rule);
      expect(codes).toEqual(expect.arrayContaining(['S105', 'S301', 'S307']));
      expect(codes.filter((c) => !c.startsWith('S'))).toEqual([]);
      expect(py.engines.find((e) => e.engine === 'secretlint')).toEqual({
        engine: 'secretlint',
        ran: false,
        findings: 0,
        reason: expect.stringMatching(/SECRETLINT_ENABLED=false/),
      });
      const js = await analyzer.analyze({ code: JS_INSECURE, language: 'javascript' });
      expect(js.findings.map((f) => f.rule)).not.toContain('no-eval');
      expect(js.findings.map((f) => f.rule)).toContain('no-new-func');
      const go = await analyzer.analyze({ code: GO_IGNORED, language: 'go' });
      expect(go.findings.map((f) => f.rule)).toEqual(['empty-error-check']);
      expect(analyzer.engines().map((e) => e.engine)).toEqual(['ruff', 'eslint', 'nitro']);
    } finally {
      await pool.onModuleDestroy();
    }
  });

  it('an unknown Ruff selector stops the start-up check naming RUFF_SELECT', async () => {
    const pool = new ReviewPool(loadConfig(AgentsEnv, { RUFF_SELECT: 'ZZZ9', CODE_REVIEW_WORKERS: '1' }));
    try {
      await expect(pool.onModuleInit()).rejects.toThrow(/RUFF_SELECT.*ZZZ9/);
    } finally {
      await pool.onModuleDestroy();
    }
  });

  it('a review past CODE_REVIEW_TIMEOUT_MS is a 422 naming the limit; its worker is replaced', async () => {
    const env = loadConfig(AgentsEnv, { CODE_REVIEW_TIMEOUT_MS: '500', CODE_REVIEW_WORKERS: '1' });
    const pool = new ReviewPool(env);
    const analyzer = new CodeAnalyzerService(pool, env);
    try {
      // A cold worker loads Ruff and the grammar first: far more than 500 ms for 100 KB.
      await expect(analyzer.analyze({ code: largePython(), language: 'python' })).rejects.toMatchObject({
        status: 422,
        message: expect.stringMatching(/500 ms \(CODE_REVIEW_TIMEOUT_MS/),
      });
      // piscina terminated the busy worker and started a fresh one for the next review.
      expect(pool.stats()).toMatchObject({ threads: 1, in_flight: 0 });
    } finally {
      await pool.onModuleDestroy();
    }
  });

  it('more reviews than workers + CODE_REVIEW_MAX_QUEUE: 503 BUSY for the extra ones', async () => {
    const env = loadConfig(AgentsEnv, { CODE_REVIEW_WORKERS: '1', CODE_REVIEW_MAX_QUEUE: '1' });
    const pool = new ReviewPool(env);
    const analyzer = new CodeAnalyzerService(pool, env);
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => analyzer.analyze({ code: CLEAN.python, language: 'python' })),
      );
      const statuses = results.map((r) => (r.status === 'fulfilled' ? 200 : (r.reason as { status: number }).status));
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
      expect(statuses).toContain(503);
      const busy = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(busy.reason).toMatchObject({ code: 'BUSY', message: expect.stringMatching(/CODE_REVIEW_MAX_QUEUE/) });
    } finally {
      await pool.onModuleDestroy();
    }
  });
});

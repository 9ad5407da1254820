import {
  JS_EXPECTED,
  JS_INSECURE,
  largePython,
  PY_EXPECTED,
  PY_INSECURE,
  SECRET_VALUES,
  SECRETS,
} from '../../apps/agents/test/fixtures/review-samples';
import { Platform, startPlatform } from '../support/platform';

/**
 * Code review with real linters end to end (issue 20): gateway and agents as processes, Ruff,
 * ESLint and secretlint in the agents service's worker pool. A burst of large reviews must not
 * stall the service: /agent/list keeps answering while they run.
 */
jest.setTimeout(180_000);

interface Finding {
  engine: string;
  rule: string;
  line: number;
  column?: number;
  rule_url?: string;
  message: string;
}

describe('agents: code review with Ruff, ESLint and secretlint (gateway + agents)', () => {
  let p: Platform;

  beforeAll(async () => {
    p = await startPlatform({
      services: ['agents'],
      appEnv: { agents: { LLM_ENABLED: 'false', CODE_REVIEW_WORKERS: '2', CODE_REVIEW_TIMEOUT_MS: '60000' } },
    });
  });
  afterAll(() => p?.stop());

  const review = (code: string, language: string) =>
    p.request('/agent/code-review', { method: 'POST', json: { code, language, user_id: p.userId } });
  const has = (findings: Finding[], engine: string, rule: string, line: number) =>
    findings.some((f) => f.engine === engine && f.rule === rule && f.line === line);

  it('GET /agent/list describes the engines and their rule sets', async () => {
    const res = await p.request('/agent/list');
    expect(res.status).toBe(200);
    const [code] = await res.json();
    expect(code.engines.map((e: { engine: string }) => e.engine)).toEqual(['ruff', 'eslint', 'secretlint', 'nitro']);
    expect(code.engines[0]).toMatchObject({ version: '0.17.3', rule_sets: { python: ['E4', 'E7', 'E9', 'F', 'B', 'S', 'PLE', 'SIM'] } });
    expect(code.engines[1].rule_sets.typescript).toContain('typescript');
  });

  it('Python: pickle, eval, bare except, password and mutable default, found by Ruff', async () => {
    const res = await review(PY_INSECURE, 'python');
    expect(res.status).toBe(200);
    const report = await res.json();
    for (const [rule, line] of PY_EXPECTED) expect([rule, has(report.findings, 'ruff', rule, line)]).toEqual([rule, true]);
    expect(report.findings.find((f: Finding) => f.rule === 'S307')).toMatchObject({
      column: 13,
      rule_url: 'https://docs.astral.sh/ruff/rules/suspicious-eval-usage/',
    });
  });

  it('JavaScript via /agent/execute: eval, new Function, exec with concatenation, innerHTML, found by ESLint', async () => {
    const res = await p.request('/agent/execute', {
      method: 'POST',
      json: { task: 'analyze_code', data: { code: JS_INSECURE, language: 'javascript' } },
    });
    expect(res.status).toBe(200);
    const { result } = await res.json();
    for (const [rule, line] of JS_EXPECTED) expect([rule, has(result.findings, 'eslint', rule, line)]).toEqual([rule, true]);
  });

  it('secrets are reported with the value masked, nowhere in the answer', async () => {
    const res = await review(SECRETS, 'python');
    const text = await res.text();
    expect(res.status).toBe(200);
    const secrets = JSON.parse(text).findings.filter((f: Finding) => f.engine === 'secretlint');
    expect(secrets.map((f: Finding) => f.line)).toEqual([1, 3]);
    for (const value of SECRET_VALUES) expect(text.includes(value.slice(4, 16))).toBe(false);
  });

  it('eight ~100 KB reviews at once all finish, and /agent/list keeps answering meanwhile', async () => {
    const code = largePython(99_000);
    const started = Date.now();
    const reviews = Promise.all(
      Array.from({ length: 8 }, () => review(code, 'python').then(async (r) => ({ status: r.status, body: await r.json() }))),
    );
    let done = false;
    void reviews.finally(() => (done = true));
    const lists: { status: number; ms: number }[] = [];
    while (!done && Date.now() - started < 150_000) {
      const t = Date.now();
      const res = await p.request('/agent/list');
      await res.arrayBuffer();
      lists.push({ status: res.status, ms: Date.now() - t });
      await new Promise((r) => setTimeout(r, 100));
    }
    const results = await reviews;
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    for (const r of results) expect(r.body.findings.filter((f: Finding) => f.rule === 'S307').length).toBe(code.match(/^def /gm)!.length);
    expect(lists.length).toBeGreaterThan(3);
    expect(lists.filter((l) => l.status !== 200)).toEqual([]);
    // The reviews run in worker threads: the service's event loop stays free for other requests.
    expect(Math.max(...lists.map((l) => l.ms))).toBeLessThan(2_000);
  });
});

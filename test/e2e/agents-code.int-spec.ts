import { CodeLanguage } from '@nitro/contracts';
import { CODE_SAMPLES, EXPECTED_FINDINGS } from '../../apps/agents/test/fixtures/code-samples';
import { Platform, startPlatform } from '../support/platform';

/**
 * Agents end to end without ai-router: gateway and agents as processes, a real Redis, real
 * tree-sitter grammars. The LLM pass must say it is unavailable and leave the static findings.
 */
jest.setTimeout(120_000);

const ME = '__me__';

describe('agents: code assistant, list and bad input (gateway + agents, no ai-router)', () => {
  let p: Platform;

  beforeAll(async () => {
    p = await startPlatform({ services: ['agents'], appEnv: { agents: { MAX_CODE_CHARS: '5000', LLM_TIMEOUT_MS: '3000' } } });
  });
  afterAll(() => p?.stop());

  /** nitro's own findings as [rule, line] (the linters' are checked in agents-review.int-spec.ts). */
  const nitro = (findings: { engine: string; rule: string; line: number }[]) =>
    findings.filter((f) => f.engine === 'nitro').map((f) => [f.rule, f.line]);

  /** Tables are built before the platform exists: ME stands for the signed-in test user's id. */
  const post = (path: string, json: unknown) =>
    p.request(path, { method: 'POST', json: JSON.parse(JSON.stringify(json).replaceAll(`"${ME}"`, JSON.stringify(p.userId))) });

  it('GET /agent/list: the three agents with their tasks and input schemas', async () => {
    const res = await p.request('/agent/list');
    expect(res.status).toBe(200);
    const agents = await res.json();
    expect(agents.map((a: { name: string }) => a.name)).toEqual(['CodeAssistantAgent', 'FileAnalyzerAgent', 'TaskSchedulerAgent']);
    const tasks = agents.flatMap((a: { tasks: { name: string }[] }) => a.tasks.map((t) => t.name));
    expect(tasks).toEqual([
      'analyze_code',
      'review_code',
      'suggest_refactoring',
      'analyze_file',
      'scan_directory',
      'schedule_task',
      'list_tasks',
      'cancel_task',
      'list_runs',
    ]);
    expect(agents[0].tasks[0].input_schema).toMatchObject({ type: 'object', required: ['code'], properties: { code: { type: 'string' } } });
  });

  it.each(Object.keys(CODE_SAMPLES) as CodeLanguage[])(
    '%s via /agent/execute: the findings the sample really contains, on their lines',
    async (language) => {
      const res = await post('/agent/execute', { task: 'analyze_code', data: { code: CODE_SAMPLES[language], language } });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.agent).toBe('CodeAssistantAgent');
      expect(nitro(body.result.findings)).toEqual(EXPECTED_FINDINGS[language]);
      expect(body.result.llm).toBeUndefined(); // analyze_code is static only
    },
  );

  it("the seed's kebab-case task name works, and the LLM being unavailable is said, not fatal", async () => {
    const res = await post('/agent/execute', { task: 'review-code', data: { code: "def hello(): print('hi')\n" } });
    expect(res.status).toBe(200);
    const { agent, task, result } = await res.json();
    expect([agent, task]).toEqual(['CodeAssistantAgent', 'review_code']);
    expect(result.language).toBe('python');
    expect(nitro(result.findings).map(([rule]) => rule)).toEqual(['debug-print', 'missing-docstring']);
    expect(result.engines.map((e: { engine: string; ran: boolean }) => [e.engine, e.ran])).toEqual([
      ['ruff', true],
      ['secretlint', true],
      ['nitro', true],
    ]);
    expect(result.llm).toEqual({ available: false, reason: expect.stringMatching(/ai-router/) });
    expect(result.llm_review).toBeUndefined();
  });

  it('POST /agent/code-review answers the report itself', async () => {
    const res = await post('/agent/code-review', { code: CODE_SAMPLES.go, language: 'go', user_id: p.userId });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(nitro(report.findings)).toEqual(EXPECTED_FINDINGS.go);
    expect(report.functions.find((f: { name: string }) => f.name === 'LongOne')).toMatchObject({ start_line: 26, lines: 63 });
    expect(report.llm.available).toBe(false);
  });

  it('every agent route is in the Swagger document', async () => {
    const doc = await (await p.request('/docs-json')).json();
    const paths = Object.keys(doc.paths).filter((k) => k.startsWith('/agent/'));
    expect(paths.sort()).toEqual([
      '/agent/code-review',
      '/agent/execute',
      '/agent/file-analyze',
      '/agent/list',
      '/agent/tasks/{user_id}',
      '/agent/tasks/{user_id}/{task_id}',
      '/agent/tasks/{user_id}/{task_id}/runs',
    ]);
    expect(doc.paths['/agent/file-analyze'].post.requestBody.content['multipart/form-data']).toBeDefined();
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'ExecuteAgentDto',
        'CodeReviewDto',
        'CodeReportDto',
        'FindingDto',
        'FileAnalysisDto',
        'ScheduleTaskInputDto',
        'ScheduledTaskDto',
        'TaskRunDto',
      ]),
    );
  });

  it("acting for another user is a 403 (the caller's own id is the default)", async () => {
    const res = await post('/agent/execute', { task: 'list_tasks', user_id: 'someone-else' });
    expect(res.status).toBe(403);
    expect((await res.json()).message).toMatch(/someone-else/);
  });

  it('an unknown task is a 400 listing the valid ones', async () => {
    const res = await post('/agent/execute', { task: 'make_coffee', data: {} });
    expect(res.status).toBe(400);
    const err = await res.json();
    expect(err.error).toBe('UNKNOWN_TASK');
    expect(err.message).toMatch(
      /unknown task "make_coffee"; valid tasks: analyze_code, review_code, suggest_refactoring, analyze_file, scan_directory, schedule_task, list_tasks, cancel_task, list_runs/,
    );
  });

  it('code over MAX_CODE_CHARS is a 413 naming the field and the limit', async () => {
    const res = await post('/agent/code-review', { code: 'x = 1\n'.repeat(1000), language: 'python', user_id: p.userId });
    expect(res.status).toBe(413);
    expect((await res.json()).message).toMatch(/code is 6000 characters \(Unicode code points\); at most 5000/);
  });

  it.each([
    ['execute: task missing', '/agent/execute', { data: {} }, /task/],
    ['execute: task of the wrong type', '/agent/execute', { task: 7 }, /task/],
    ['execute: data not an object', '/agent/execute', { task: 'analyze_code', data: 'def f(): pass' }, /data must be a JSON object/],
    ['execute: code of the wrong type', '/agent/execute', { task: 'analyze_code', data: { code: 12 } }, /data\.code must be a string/],
    ['execute: unknown data field', '/agent/execute', { task: 'analyze_code', data: { code: 'x', colour: 'red' } }, /data\.colour/],
    ['execute: bad user_id', '/agent/execute', { task: 'list_tasks', user_id: '../x' }, /user_id/],
    ['code-review: code missing', '/agent/code-review', { language: 'python', user_id: ME }, /code/],
    ['code-review: empty code', '/agent/code-review', { code: '', user_id: ME }, /code must not be empty/],
    ['code-review: blank code', '/agent/code-review', { code: '   \n', language: 'python', user_id: ME }, /code must contain visible text/],
    ['code-review: unknown language', '/agent/code-review', { code: 'x', language: 'cobol', user_id: ME }, /language must be one of/],
    ['code-review: undetectable language', '/agent/code-review', { code: 'hello there', user_id: ME }, /language could not be detected/],
    ['code-review: llm not a boolean', '/agent/code-review', { code: 'x = 1', llm: 'no', user_id: ME }, /llm must be a boolean/],
    ['code-review: body is an array', '/agent/code-review', [1], /body must be a JSON object/],
  ])('%s -> 400 naming the field', async (_name, path, body, message) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    expect(JSON.stringify((await res.json()).message)).toMatch(message);
  });
});

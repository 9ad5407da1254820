import { waitFor } from '@nitro/testing';
import { CODE_SAMPLES, EXPECTED_FINDINGS } from '../../apps/agents/test/fixtures/code-samples';
import { SAMPLE_CSV } from '../../apps/agents/test/fixtures/file-fixtures';
import { Platform, startPlatform } from '../support/platform';

jest.setTimeout(180_000);

/**
 * The agents' LLM passes through the real ai-router and the real local model (stories260K, a tiny
 * base model): assertions are on structure and provenance, never on the words it writes.
 */
describe('agents: LLM passes through ai-router (gateway + ai-router + agents, local model)', () => {
  let p: Platform;

  beforeAll(async () => {
    p = await startPlatform({
      services: ['ai-router', 'agents'],
      appEnv: {
        'ai-router': { AI_PROVIDERS: 'local' },
        agents: { LLM_MAX_PROMPT_CHARS: '600', LLM_MAX_TOKENS: '24', LLM_TIMEOUT_MS: '60000' },
      },
    });
  });
  afterAll(() => p?.stop());

  const post = (path: string, json: unknown) => p.request(path, { method: 'POST', json });

  it('review_code: static findings unchanged, the model comments kept apart in llm_review', async () => {
    const res = await post('/agent/code-review', { code: CODE_SAMPLES.python, language: 'python', user_id: p.userId });
    expect(res.status).toBe(200);
    const report = await res.json();
    const nitro = report.findings.filter((f: { engine: string }) => f.engine === 'nitro');
    expect(nitro.map((f: { rule: string; line: number }) => [f.rule, f.line])).toEqual(EXPECTED_FINDINGS.python);
    expect(report.llm).toEqual({ available: true, ai_source: 'local', ai_model: expect.any(String) });
    expect(report.llm_review.text.length).toBeGreaterThan(0);
    expect(report.llm_review.comments.length).toBeGreaterThan(0);
  });

  it('analyze_file: an LLM summary after the facts', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(SAMPLE_CSV)]), 'cities.csv');
    const res = await p.request('/agent/file-analyze', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const r = await res.json();
    expect(r.type.kind).toBe('csv');
    expect(r.llm).toMatchObject({ available: true, ai_source: 'local' });
    expect(typeof r.llm_summary).toBe('string');
    expect(r.llm_summary.length).toBeGreaterThan(0);
  });

  it('a scheduled chat prompt runs through ai-router and its answer is kept', async () => {
    const res = await post(`/agent/tasks/${p.userId}`, { delay_ms: 0, prompt: 'Once upon a time' });
    expect(res.status).toBe(201);
    const { task_id } = await res.json();
    const kept = async () => (await (await p.request(`/agent/tasks/${p.userId}/${task_id}/runs`)).json()).runs;
    const runs = await waitFor(async () => ((await kept()).length ? kept() : null), {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'the prompt run',
    });
    expect(runs[0]).toMatchObject({ status: 'ok', result: { ai_source: 'local', response: expect.any(String) } });
  });

  it("agent prompts stay out of the user's conversation memory (ephemeral)", async () => {
    const sessions = await (await p.request(`/chat/sessions/${p.userId}`)).json();
    expect(sessions).toEqual([]);
  });
});

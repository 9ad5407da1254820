import { waitFor } from '@nitro/testing';
import { metricSum, Platform, startPlatform } from '../support/platform';

jest.setTimeout(180_000);

interface Run {
  tick_at: string;
  status: string;
  replica: string;
  result?: any;
  error?: { status: number; code: string; message: string };
}

/**
 * The task scheduler end to end: BullMQ job schedulers in a real Redis, agents replicas as real
 * processes (killed and restarted), results read back through the gateway. Every wait is on an
 * observed event (runs appearing), never on elapsed time.
 */
describe('agents: task scheduler (gateway + agents replicas, real Redis and BullMQ)', () => {
  let p: Platform;
  let taskId: string;
  const CODE = { task: 'analyze_code', data: { code: 'print(1)\n', language: 'python' } };

  beforeAll(async () => {
    p = await startPlatform({ services: ['agents'], appEnv: { agents: { LLM_TIMEOUT_MS: '2000' } } });
  });
  afterAll(() => p?.stop());

  const schedule = (body: unknown) => p.request(`/agent/tasks/${p.userId}`, { method: 'POST', json: body });
  const scheduled = async (body: unknown): Promise<string> => {
    const res = await schedule(body);
    const json = await res.json();
    if (res.status !== 201) throw new Error(`${res.status}: ${JSON.stringify(json)}`);
    return json.task_id;
  };
  const runs = async (id: string): Promise<Run[]> => {
    const res = await p.request(`/agent/tasks/${p.userId}/${id}/runs`);
    if (res.status !== 200) throw new Error(`runs: ${res.status}`);
    return (await res.json()).runs;
  };
  const runsAtLeast = (id: string, n: number, timeoutMs = 30_000) =>
    waitFor(async () => ((await runs(id)).length >= n ? runs(id) : null), {
      timeoutMs,
      intervalMs: 200,
      description: `${n} runs of ${id}`,
    });

  const metric = (proc: string, name: string) => metricSum(p, proc, name);

  it('a task every second runs at least twice, and each run keeps its result', async () => {
    const res = await schedule({ name: 'every second', cron: '* * * * * *', ...CODE });
    expect(res.status).toBe(201);
    const task = await res.json();
    expect(task).toMatchObject({
      task_id: expect.stringMatching(/^t_[0-9a-f]{16}$/),
      status: 'active',
      schedule: { cron: '* * * * * *' },
      action: CODE,
      next_run_at: expect.any(String),
    });
    taskId = task.task_id;
    const got = await runsAtLeast(taskId, 2);
    expect(got[0]).toMatchObject({
      status: 'ok',
      result: { language: 'python', findings: [expect.objectContaining({ rule: 'debug-print', line: 1 })] },
    });
    const list = await (await p.request(`/agent/tasks/${p.userId}`)).json();
    expect(list).toEqual([expect.objectContaining({ task_id: taskId, status: 'active', runs: expect.any(Number) })]);
    expect(list[0].runs).toBeGreaterThanOrEqual(2);
  });

  it('with two agents replicas, each tick runs once', async () => {
    await p.startApp('agents', 'agents-2');
    const before = (await runs(taskId)).length;
    const got = await runsAtLeast(taskId, before + 8);
    const ticks = got.map((r) => r.tick_at);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(got.every((r) => r.status === 'ok')).toBe(true);
    // Not only de-duplicated by the runner's tick guard: BullMQ itself never handed a tick out twice.
    for (const name of ['agents', 'agents-2']) expect(await metric(name, 'nitro_agents_duplicate_ticks_total')).toBe(0);
    const perReplica = await Promise.all(['agents', 'agents-2'].map((n) => metric(n, 'nitro_agents_scheduled_runs_total')));
    expect(perReplica[0] + perReplica[1]).toBeGreaterThanOrEqual(got.length - before);
  });

  it('keeps running after the agents service restarts (every replica killed, a new one started)', async () => {
    const before = (await runs(taskId)).length; // while down nothing answers: count first
    for (const [name, proc] of p.procs) {
      if (!name.startsWith('agents')) continue;
      proc.kill('SIGKILL');
      await proc.exited;
    }
    expect((await p.request(`/agent/tasks/${p.userId}/${taskId}/runs`)).status).toBe(503);
    await p.startApp('agents', 'agents-3');
    const got = await runsAtLeast(taskId, before + 2);
    expect(got[0].replica).toMatch(new RegExp(`:${p.procs.get('agents-3')!.pid}$`));
    const ticks = got.map((r) => r.tick_at);
    expect(new Set(ticks).size).toBe(ticks.length);
  });

  it('cancel stops it; its runs stay listable', async () => {
    const res = await p.request(`/agent/tasks/${p.userId}/${taskId}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ task_id: taskId, status: 'cancelled' });
    const atCancel = (await runs(taskId)).length;
    // A witness on the same schedule shows time passing on the scheduler's own clock.
    const witness = await scheduled({ every_ms: 1000, ...CODE });
    // Seven ticks later a schedule still running would have added about seven runs; at most the run already
    // under way when cancelled may land (under load a code analysis can take several ticks to finish).
    await runsAtLeast(witness, 7);
    expect((await runs(taskId)).length).toBeLessThanOrEqual(atCancel + 1);
    const list = await (await p.request(`/agent/tasks/${p.userId}`)).json();
    const cancelled = list.find((t: { task_id: string }) => t.task_id === taskId);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.next_run_at).toBeUndefined();
    await p.request(`/agent/tasks/${p.userId}/${witness}`, { method: 'DELETE' });
  });

  it('a chat prompt goes to ai-router; without one, each run records why it failed', async () => {
    const id = await scheduled({ delay_ms: 0, prompt: 'Say hello.' });
    const [run] = await runsAtLeast(id, 1);
    expect(run).toMatchObject({ status: 'error', error: { status: 503, message: expect.stringMatching(/ai-router/) } });
    const list = await (await p.request(`/agent/tasks/${p.userId}`)).json();
    expect(list.find((t: { task_id: string }) => t.task_id === id)).toMatchObject({ status: 'done', runs: 1 });
  });

  it("another user's task id is a 404 for them; another user's path is a 403; the admin may look", async () => {
    const other = await p.createUser();
    const as = (path: string, init: RequestInit = {}) => fetch(`${p.baseUrl}${path}`, { ...init, headers: other.headers });
    expect((await as(`/agent/tasks/${other.id}/${taskId}/runs`)).status).toBe(404);
    expect((await as(`/agent/tasks/${other.id}/${taskId}`, { method: 'DELETE' })).status).toBe(404);
    expect(await (await as(`/agent/tasks/${other.id}`)).json()).toEqual([]);
    expect((await as(`/agent/tasks/${p.userId}/${taskId}/runs`)).status).toBe(403);
    const admin = await fetch(`${p.baseUrl}/agent/tasks/${p.userId}/${taskId}/runs`, { headers: p.admin!.headers });
    expect(admin.status).toBe(200);
    const bad = await p.request(`/agent/tasks/${p.userId}/not-a-task/runs`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/task_id/);
  });

  it.each([
    ['no schedule', { prompt: 'x' }, /exactly one of cron, every_ms or delay_ms/],
    ['two schedules', { cron: '* * * * *', delay_ms: 5, prompt: 'x' }, /got cron and delay_ms/],
    ['no action', { every_ms: 1000 }, /exactly one of task \(with data\) or prompt/],
    ['an interval under the minimum', { every_ms: 10, prompt: 'x' }, /every_ms must be at least 1000/],
    ['a bad cron', { cron: '99 * * * *', prompt: 'x' }, /cron is not a valid cron expression/],
    ['every_ms of the wrong type', { every_ms: '1000', prompt: 'x' }, /every_ms must be an integer/],
    ['an unknown task', { every_ms: 1000, task: 'make_coffee' }, /unknown task .*make_coffee.*; valid tasks: analyze_code/],
    [
      'a task that cannot be scheduled',
      { every_ms: 1000, task: 'analyze_file', data: {} },
      /cannot be scheduled; schedulable tasks: analyze_code, review_code, suggest_refactoring, scan_directory/,
    ],
    ['bad data for the task', { every_ms: 1000, task: 'analyze_code', data: { code: 5 } }, /data\.data\.code must be a string/],
  ])('%s -> 400 naming the field', async (_name, body, message) => {
    const res = await schedule(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify((await res.json()).message)).toMatch(message);
  });
});

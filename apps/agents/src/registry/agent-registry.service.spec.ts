import { CodeInputDto, ScheduleTaskInputDto } from '@nitro/contracts';
import { AgentRegistry } from './agent-registry.service';

describe('AgentRegistry', () => {
  const registry = new AgentRegistry();
  const seen: unknown[] = [];
  registry.register({
    name: 'EchoAgent',
    description: 'echoes',
    tasks: [
      {
        name: 'analyze_code',
        description: 'a',
        input: CodeInputDto,
        schedulable: true,
        run: async (input, ctx) => {
          seen.push([input, ctx]);
          return { ok: true };
        },
      },
      { name: 'schedule_task', description: 's', input: ScheduleTaskInputDto, schedulable: false, run: async () => 1 },
    ],
  });

  it('routes { task, data } to the declaring agent and answers { agent, task, result }', async () => {
    const out = await registry.execute({ task: 'analyze-code', data: { code: 'x = 1', language: 'python' }, user_id: 'u1' });
    expect(out).toEqual({ agent: 'EchoAgent', task: 'analyze_code', result: { ok: true } });
    expect(seen[0]).toEqual([expect.objectContaining({ code: 'x = 1', language: 'python' }), { user_id: 'u1', via: 'request' }]);
  });

  it('an unknown task is a 400 listing the valid ones', async () => {
    await expect(registry.execute({ task: 'make_coffee', data: {}, user_id: 'u1' })).rejects.toMatchObject({
      status: 400,
      code: 'UNKNOWN_TASK',
      message: 'unknown task "make_coffee"; valid tasks: analyze_code, schedule_task',
      details: { valid_tasks: ['analyze_code', 'schedule_task'] },
    });
  });

  it.each([
    [{}, /data\.code must be a string/],
    [{ code: 42 }, /data\.code must be a string/],
    [{ code: 'x', language: 'cobol' }, /data\.language must be one of: python, javascript, typescript, go, java/],
    [{ code: 'x', extra: 1 }, /data\.extra/],
    [{ code: 'x', llm: 'yes' }, /data\.llm must be a boolean/],
  ])('bad data %j is a 400 naming the field', async (data, message) => {
    await expect(registry.execute({ task: 'analyze_code', data, user_id: 'u1' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(message),
    });
  });

  it('describes each input as JSON Schema from the DTO', () => {
    const [agent] = registry.list();
    const schema = agent.tasks[0].input_schema as any;
    expect(schema.required).toEqual(['code']);
    expect(schema.properties.code).toMatchObject({ type: 'string', minLength: 1 });
    expect(schema.properties.language).toMatchObject({ enum: ['python', 'javascript', 'typescript', 'go', 'java'] });
    expect(schema.properties.llm).toMatchObject({ type: 'boolean' });
    const schedule = agent.tasks[1].input_schema as any;
    expect(schedule.properties.every_ms).toMatchObject({ type: 'integer' });
    expect(agent.tasks.map((t) => t.schedulable)).toEqual([true, false]);
  });
});

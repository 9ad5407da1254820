import { Injectable } from '@nestjs/common';
import { AgentExecuteCommand, AgentExecuteResponseDto, AgentInfoDto, ERROR_CODES } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { counter, histogram } from '@nitro/observability';
import { Agent, AgentTask, TaskContext } from './agent.types';
import { describeInput, validateInput } from './input-schema.util';

const runs = counter('nitro_agent_tasks_total', 'Agent task executions', ['task', 'via', 'outcome']);
const seconds = histogram('nitro_agent_task_seconds', 'Agent task duration', ['task']);

/**
 * The seed's AgentManager: agents register their tasks here; /agent/list is built from it and
 * execute routes `{ task, data }` to the agent that declares the task.
 */
@Injectable()
export class AgentRegistry {
  private readonly agents: Agent[] = [];
  private readonly tasks = new Map<string, { agent: Agent; task: AgentTask }>();

  register(agent: Agent): void {
    this.agents.push(agent);
    for (const task of agent.tasks) this.tasks.set(task.name, { agent, task });
  }

  list(): AgentInfoDto[] {
    return this.agents.map((a) => ({
      name: a.name,
      description: a.description,
      tasks: a.tasks.map((t) => ({
        name: t.name,
        description: t.description,
        input_schema: describeInput(t.input),
        schedulable: t.schedulable,
      })),
      ...(a.engines ? { engines: a.engines } : {}),
    }));
  }

  taskNames(): string[] {
    return [...this.tasks.keys()];
  }

  /** The task by name (`review-code` is read as `review_code`); a 400 listing the valid ones otherwise. */
  resolve(name: string): { agent: Agent; task: AgentTask } {
    const found = this.tasks.get(String(name).trim().toLowerCase().replace(/-/g, '_'));
    if (found) return found;
    const valid = this.taskNames();
    throw new ServiceError(400, 'UNKNOWN_TASK', `unknown task "${String(name).slice(0, 64)}"; valid tasks: ${valid.join(', ')}`, {
      valid_tasks: valid,
    });
  }

  /** Validates data against the task's schema before anything runs; `label` names it in messages. */
  async validate(task: AgentTask, data: unknown, label = 'data'): Promise<object> {
    return validateInput(task.input, data ?? {}, label);
  }

  async execute(cmd: AgentExecuteCommand, via: TaskContext['via'] = 'request'): Promise<AgentExecuteResponseDto> {
    if (!cmd || typeof cmd.task !== 'string' || typeof cmd.user_id !== 'string')
      throw new ServiceError(400, ERROR_CODES.validation, 'task and user_id are required');
    const { agent, task } = this.resolve(cmd.task);
    const input = await this.validate(task, cmd.data);
    const stop = seconds.startTimer({ task: task.name });
    try {
      const result = await task.run(input, { user_id: cmd.user_id, via });
      runs.inc({ task: task.name, via, outcome: 'ok' });
      return { agent: agent.name, task: task.name, result };
    } catch (err) {
      runs.inc({ task: task.name, via, outcome: 'error' });
      throw err;
    } finally {
      stop();
    }
  }
}

import { Injectable } from '@nestjs/common';
import { AGENT_NAMES, AGENT_TASKS, ListRunsInputDto, ScheduleTaskInputDto, TaskIdInputDto } from '@nitro/contracts';
import { Agent, AgentTask } from '../registry/agent.types';
import { AgentRegistry } from '../registry/agent-registry.service';
import { SchedulerService } from './scheduler.service';

/** An empty input: list_tasks takes nothing but the caller's identity. */
class NoInputDto {}

/** TaskSchedulerAgent: any schedulable agent task, or a chat prompt, on a cron / interval / delay. */
@Injectable()
export class TaskSchedulerAgent implements Agent {
  readonly name = AGENT_NAMES.scheduler;
  readonly description = "Runs agent tasks or chat prompts on a schedule (cron, interval or one-off delay) and keeps each run's result.";
  readonly tasks: AgentTask[] = [
    {
      name: AGENT_TASKS.scheduleTask,
      description: 'Schedule a task (task + data) or a prompt: exactly one of cron, every_ms, delay_ms.',
      input: ScheduleTaskInputDto,
      schedulable: false,
      run: (input: ScheduleTaskInputDto, ctx) => this.scheduler.schedule(input, ctx.user_id),
    },
    {
      name: AGENT_TASKS.listTasks,
      description: "The caller's scheduled tasks with status, next run and run count.",
      input: NoInputDto,
      schedulable: false,
      run: (_input, ctx) => this.scheduler.list(ctx.user_id),
    },
    {
      name: AGENT_TASKS.cancelTask,
      description: 'Stop a scheduled task; its kept runs stay listable.',
      input: TaskIdInputDto,
      schedulable: false,
      run: (input: TaskIdInputDto, ctx) => this.scheduler.cancel(ctx.user_id, input.task_id),
    },
    {
      name: AGENT_TASKS.listRuns,
      description: "A task's kept runs, newest first.",
      input: ListRunsInputDto,
      schedulable: false,
      run: (input: ListRunsInputDto, ctx) => this.scheduler.runs(input, ctx.user_id),
    },
  ];

  constructor(
    private readonly scheduler: SchedulerService,
    registry: AgentRegistry,
  ) {
    registry.register(this);
  }
}

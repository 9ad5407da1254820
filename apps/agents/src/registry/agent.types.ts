import type { Type } from '@nestjs/common';
import type { ReviewEngineInfoDto } from '@nitro/contracts';

/** Who a task runs for, and whether a person or the scheduler started it. */
export interface TaskContext {
  user_id: string;
  via: 'request' | 'schedule';
}

/** One task an agent offers: its input is a class-validator DTO that also describes it (Swagger metadata). */
export interface AgentTask<I extends object = any> {
  name: string;
  description: string;
  input: Type<I>;
  /** May schedule_task run it later (an upload, for one, cannot be replayed)? */
  schedulable: boolean;
  run(input: I, ctx: TaskContext): Promise<unknown>;
}

export interface Agent {
  name: string;
  description: string;
  tasks: AgentTask[];
  /** Static-analysis engines the agent runs, with their configured rule sets (listed by GET /agent/list). */
  readonly engines?: ReviewEngineInfoDto[];
}

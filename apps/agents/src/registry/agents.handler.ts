import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AgentExecuteCommand, AGENTS_PATTERNS } from '@nitro/contracts';
import { AgentRegistry } from './agent-registry.service';

/** The agents service's transport surface: list the agents, run a task (errors: bootstrapService's RPC filter). */
@Controller()
export class AgentsHandler {
  constructor(private readonly registry: AgentRegistry) {}

  @MessagePattern(AGENTS_PATTERNS.list)
  list() {
    return this.registry.list();
  }

  @MessagePattern(AGENTS_PATTERNS.execute)
  execute(@Payload() cmd: AgentExecuteCommand) {
    return this.registry.execute(cmd);
  }
}

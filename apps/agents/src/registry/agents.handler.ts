import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AgentExecuteCommand, AGENTS_PATTERNS, SERVICES } from '@nitro/contracts';
import { AllRpcExceptionsFilter } from '@nitro/service-kit';
import { AgentRegistry } from './agent-registry.service';

/**
 * The agents service's transport surface: list the agents, run a task. The filter is bound here
 * because the global one from bootstrapService does not reach message handlers (a ServiceError
 * arrived at the gateway as a 500).
 */
@Controller()
@UseFilters(new AllRpcExceptionsFilter(SERVICES.agents))
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

import { DynamicModule, Module } from '@nestjs/common';
import { AgentsEnv, redisTopology } from '@nitro/config';
import { AGENT_UPLOAD_CLAIMS_NAMESPACE, AGENT_UPLOADS } from '@nitro/contracts';
import { REDIS_CLIENT, ServiceKitModule } from '@nitro/service-kit';
import { aiRouterClientProviders, claimCheckProvider } from '@nitro/transport';
import { CodeAnalyzerService } from './code-assistant/code-analyzer.service';
import { CodeAssistantAgent } from './code-assistant/code-assistant.agent';
import { ReviewPool } from './code-assistant/review/review-pool.service';
import { FileAnalysisService } from './file-analyzer/file-analysis.service';
import { FileParsePool } from './file-analyzer/parse/file-parse-pool.service';
import { FileAnalyzerAgent } from './file-analyzer/file-analyzer.agent';
import { WorkspaceScannerService } from './file-analyzer/workspace-scanner.service';
import { AiRouterLlmClient } from './llm/ai-router-llm.client';
import { LlmClient } from './llm/llm.client';
import { LlmPassService } from './llm/llm-pass.service';
import { AgentRegistry } from './registry/agent-registry.service';
import { AgentsHandler } from './registry/agents.handler';
import { SchedulerQueue } from './scheduler/scheduler.queue';
import { SchedulerService } from './scheduler/scheduler.service';
import { TaskRunner } from './scheduler/task-runner.service';
import { TaskSchedulerAgent } from './scheduler/task-scheduler.agent';
import { TaskStore } from './scheduler/task-store.repository';

@Module({})
export class AppModule {
  /** The three agents register themselves with the registry when Nest creates them. */
  static register(env: AgentsEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forService({ service: 'agents', env })],
      controllers: [AgentsHandler],
      providers: [
        ...aiRouterClientProviders({ redisUrl: redisTopology(env), timeoutMs: env.LLM_TIMEOUT_MS, maxLen: env.TRANSPORT_MAX_LEN }),
        { provide: LlmClient, useClass: AiRouterLlmClient },
        LlmPassService,
        AgentRegistry,
        ReviewPool,
        CodeAnalyzerService,
        CodeAssistantAgent,
        // The gateway's uploads, taken once; the TTL is the gateway's (AGENTS_UPLOAD_TTL_S), this one is unused.
        claimCheckProvider(AGENT_UPLOADS, REDIS_CLIENT, { namespace: AGENT_UPLOAD_CLAIMS_NAMESPACE, ttlMs: 300_000 }),
        FileAnalysisService,
        FileParsePool,
        WorkspaceScannerService,
        FileAnalyzerAgent,
        TaskStore,
        TaskRunner,
        SchedulerQueue,
        SchedulerService,
        TaskSchedulerAgent,
      ],
    };
  }
}

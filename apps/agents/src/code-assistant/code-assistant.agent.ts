import { Injectable } from '@nestjs/common';
import { AGENT_NAMES, AGENT_TASKS, CodeInputDto, CodeReportDto, ReviewEngineInfoDto } from '@nitro/contracts';
import { LlmPassService } from '../llm/llm-pass.service';
import { Agent, AgentTask, TaskContext } from '../registry/agent.types';
import { AgentRegistry } from '../registry/agent-registry.service';
import { CodeAnalyzerService } from './code-analyzer.service';
import { refactorPrompt, REFACTOR_SYSTEM, reviewPrompt, REVIEW_SYSTEM, splitComments } from './code-prompts';

/** CodeAssistantAgent: static analysis first, then (review, refactoring) an LLM pass kept apart from it. */
@Injectable()
export class CodeAssistantAgent implements Agent {
  readonly name = AGENT_NAMES.code;
  readonly description =
    'Static analysis of Python (Ruff), JavaScript/TypeScript (ESLint), Go and Java (tree-sitter checks), secrets in any of them (secretlint) and code metrics, with an optional LLM review.';
  readonly tasks: AgentTask<CodeInputDto>[] = [
    {
      name: AGENT_TASKS.analyzeCode,
      description:
        'Functions with line ranges, length, nesting and complexity; findings of every engine with rule, link, line, column, severity, message and fix. No LLM.',
      input: CodeInputDto,
      schedulable: true,
      run: (input) => this.analyzer.analyze(input),
    },
    {
      name: AGENT_TASKS.reviewCode,
      description: 'analyze_code, then review comments from the LLM in llm_review (static findings alone when the LLM is unavailable).',
      input: CodeInputDto,
      schedulable: true,
      run: (input, ctx) => this.withLlm(input, ctx, reviewPrompt, REVIEW_SYSTEM),
    },
    {
      name: AGENT_TASKS.suggestRefactoring,
      description: 'analyze_code, then refactoring suggestions from the LLM for the most complex functions (in llm_review).',
      input: CodeInputDto,
      schedulable: true,
      run: (input, ctx) => this.withLlm(input, ctx, refactorPrompt, REFACTOR_SYSTEM),
    },
  ];

  constructor(
    private readonly analyzer: CodeAnalyzerService,
    private readonly llmPass: LlmPassService,
    registry: AgentRegistry,
  ) {
    registry.register(this);
  }

  /** Engines and rule sets, shown by GET /agent/list. */
  get engines(): ReviewEngineInfoDto[] {
    return this.analyzer.engines();
  }

  private async withLlm(
    input: CodeInputDto,
    ctx: TaskContext,
    prompt: (code: string, r: CodeReportDto) => string,
    system: string,
  ): Promise<CodeReportDto> {
    const report = await this.analyzer.analyze(input);
    const pass = await this.llmPass.run(prompt(input.code, report), system, ctx.user_id, input.llm !== false);
    return { ...report, llm: pass.llm, ...(pass.text ? { llm_review: { text: pass.text, comments: splitComments(pass.text) } } : {}) };
  }
}

import { Injectable } from '@nestjs/common';
import { TimeoutError } from 'rxjs';
import { AgentsEnv } from '@nitro/config';
import { isRpcErrorPayload, LlmStatusDto, cutCodePoints, exceedsCodePoints } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { LlmClient } from './llm.client';

export interface LlmPassResult {
  llm: LlmStatusDto;
  text?: string;
}

/**
 * An optional LLM step after the static work: never fails the task. When the model cannot answer,
 * the caller gets its static results plus `llm: { available: false, reason }`.
 */
@Injectable()
export class LlmPassService {
  constructor(
    private readonly client: LlmClient,
    private readonly env: AgentsEnv,
  ) {}

  async run(prompt: string, system: string, user_id: string, wanted = true): Promise<LlmPassResult> {
    if (!wanted) return { llm: { available: false, reason: 'skipped: the request set llm to false' } };
    if (!this.env.LLM_ENABLED) return { llm: { available: false, reason: 'disabled by configuration (LLM_ENABLED=false)' } };
    try {
      const answer = await this.client.complete({
        prompt: this.cut(prompt),
        system,
        user_id,
        max_tokens: this.env.LLM_MAX_TOKENS,
        timeout_ms: this.env.LLM_TIMEOUT_MS,
      });
      const text = answer.text.trim();
      if (!text) return { llm: { available: false, reason: `${answer.ai_source}/${answer.ai_model} returned an empty answer` } };
      return { llm: { available: true, ai_model: answer.ai_model, ai_source: answer.ai_source }, text };
    } catch (err) {
      const reason = this.reason(err);
      getLogger().warn({ reason }, 'LLM pass unavailable; returning static results only');
      return { llm: { available: false, reason } };
    }
  }

  /** Keeps the head of a long prompt: small local models have small contexts. */
  private cut(prompt: string): string {
    const max = this.env.LLM_MAX_PROMPT_CHARS;
    return exceedsCodePoints(prompt, max) ? `${cutCodePoints(prompt, max)}\n[... cut at ${max} characters]` : prompt;
  }

  private reason(err: unknown): string {
    if (err instanceof TimeoutError) return `ai-router did not answer within ${this.env.LLM_TIMEOUT_MS} ms (LLM_TIMEOUT_MS)`;
    if (isRpcErrorPayload(err)) return `ai-router: ${err.message}`;
    if (err instanceof Error) return err.message;
    return 'ai-router call failed';
  }
}

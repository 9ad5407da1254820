import { Injectable } from '@nestjs/common';
import { firstValueFrom, from, timeout } from 'rxjs';
import { ChatCommand } from '@nitro/contracts';
import { AiRouterClient } from '@nitro/transport';
import { LlmAnswer, LlmClient, LlmRequest } from './llm.client';

/**
 * Asks ai-router (chat.send) with `ephemeral: true`: an agent's prompt must not land in the
 * user's conversation memory. Low temperature: reviews should be repeatable, not creative.
 */
@Injectable()
export class AiRouterLlmClient extends LlmClient {
  constructor(private readonly aiRouter: AiRouterClient) {
    super();
  }

  async complete(req: LlmRequest): Promise<LlmAnswer> {
    const command: ChatCommand = {
      message: req.prompt,
      user_id: req.user_id,
      options: { temperature: 0.2, max_tokens: req.max_tokens, system: req.system },
      ephemeral: true,
    };
    // The transport has its own timeout too; this one bounds the whole call, connect included.
    const answer = await firstValueFrom(from(this.aiRouter.send(command)).pipe(timeout({ first: req.timeout_ms })));
    return { text: answer.response ?? '', ai_model: answer.ai_model, ai_source: answer.ai_source };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { AI_ROUTER_CLIENT, CHAT_PATTERNS, ChatCommand, ChatResponseDto } from '@nitro/contracts';
import { LlmAnswer, LlmClient, LlmRequest } from './llm.client';

/**
 * Asks ai-router (chat.send) with `ephemeral: true`: an agent's prompt must not land in the
 * user's conversation memory. Low temperature: reviews should be repeatable, not creative.
 */
@Injectable()
export class AiRouterLlmClient extends LlmClient {
  constructor(@Inject(AI_ROUTER_CLIENT) private readonly aiRouter: ClientProxy) {
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
    const answer = await firstValueFrom(this.aiRouter.send<ChatResponseDto>(CHAT_PATTERNS.send, command).pipe(timeout({ first: req.timeout_ms })));
    return { text: answer.response ?? '', ai_model: answer.ai_model, ai_source: answer.ai_source };
  }
}

import type { ProviderMessage, ProviderRequest } from '../chat-provider.interface';

/** For base models without a chat template: a plain transcript the model continues after "Assistant:". */
export const DEFAULT_SYSTEM = 'You are Nitro, a helpful assistant. Answer briefly.';
/** The model starting the next turn itself means its answer is over. */
export const STOP_STRINGS = ['\nUser:', '\nSystem:', '\nAssistant:'];

export function renderTranscript(system: string | undefined, messages: ProviderMessage[]): string {
  const lines = [`System: ${oneLine(system ?? DEFAULT_SYSTEM)}`];
  for (const m of messages) lines.push(`${m.role === 'user' ? 'User' : 'Assistant'}: ${m.content.trim()}`);
  lines.push('Assistant:');
  return lines.join('\n');
}

/** A newline inside the system prompt would look like a new turn to a base model. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export interface FittedPrompt {
  messages: ProviderMessage[];
  promptTokens: number;
  maxTokens: number;
}

/** The least room for an answer worth giving: below it the prompt is refused rather than answered with a token or two. */
export const MIN_ANSWER_TOKENS = 16;

/** The whole prompt (system + newest message) cannot fit the context with MIN_ANSWER_TOKENS left for the answer. */
export class ContextOverflow extends Error {
  constructor(
    readonly promptTokens: number,
    readonly contextSize: number,
    readonly answerTokens: number,
  ) {
    const over = promptTokens + answerTokens - contextSize;
    super(
      `the prompt (system prompt + message) is ${promptTokens} tokens and the model's context is ${contextSize} with at least ${answerTokens} kept for the answer: ` +
        `${over} tokens over; shorten the message or the system prompt (options.system on /chat, the system message on /v1)`,
    );
    this.name = 'ContextOverflow';
  }

  get overBy(): number {
    return this.promptTokens + this.answerTokens - this.contextSize;
  }
}

/**
 * Budgets the whole prompt — system prompt, history, the new message and the answer — against the
 * model's context. Room for the answer is the requested max_tokens (at most half the context); the
 * oldest turns are dropped first; when the system prompt and the newest message alone leave less than
 * MIN_ANSWER_TOKENS, it throws ContextOverflow (a 400 saying how many tokens are over) instead of
 * answering one token with finish_reason "length". `count` returns the prompt's length in tokens,
 * system prompt included.
 */
export function fitToContext(
  req: ProviderRequest,
  contextSize: number,
  count: (messages: ProviderMessage[]) => number,
  defaultMaxTokens = 512,
): FittedPrompt {
  const reserve = Math.max(1, Math.min(req.maxTokens ?? defaultMaxTokens, Math.floor(contextSize / 2)));
  const budget = contextSize - reserve;
  let messages = [...req.messages];
  let tokens = count(messages);
  while (tokens > budget && messages.length > 1) {
    messages = messages.slice(1);
    tokens = count(messages);
  }
  const minimal = Math.min(reserve, MIN_ANSWER_TOKENS);
  // +1: the context also holds the token the answer starts from.
  if (tokens + minimal + 1 > contextSize) throw new ContextOverflow(tokens, contextSize, minimal + 1);
  const room = contextSize - tokens - 1;
  return { messages, promptTokens: tokens, maxTokens: Math.max(1, Math.min(req.maxTokens ?? defaultMaxTokens, room)) };
}

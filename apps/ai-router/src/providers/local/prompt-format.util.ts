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

/**
 * Fits the conversation into the model's context: keeps room for the answer (the requested
 * max_tokens, at most half the context), drops the oldest turns first, and as a last resort keeps
 * only the tail of the newest message. `count` returns the prompt's length in tokens.
 */
export function fitToContext(req: ProviderRequest, contextSize: number, count: (messages: ProviderMessage[]) => number, defaultMaxTokens = 512): FittedPrompt {
  const reserve = Math.max(1, Math.min(req.maxTokens ?? defaultMaxTokens, Math.floor(contextSize / 2)));
  const budget = contextSize - reserve;
  let messages = [...req.messages];
  let tokens = count(messages);
  while (tokens > budget && messages.length > 1) {
    messages = messages.slice(1);
    tokens = count(messages);
  }
  while (tokens > budget && messages.length === 1 && messages[0].content.length > 1) {
    const m = messages[0];
    const keep = Math.max(1, Math.floor(m.content.length * (budget / tokens) * 0.9));
    messages = [{ ...m, content: m.content.slice(m.content.length - keep) }];
    tokens = count(messages);
  }
  const room = contextSize - tokens - 1;
  return { messages, promptTokens: tokens, maxTokens: Math.max(1, Math.min(req.maxTokens ?? defaultMaxTokens, room)) };
}

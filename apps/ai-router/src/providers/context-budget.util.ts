import type { ProviderMessage, ProviderRequest } from './chat-provider.interface';
import { ContextOverflow, fitToContext } from './local/prompt-format.util';
import type { ModelContext } from './model-context.cache';
import { ContextTooLongError } from './provider-error';

/** Chat templates wrap every turn in role markers (`<|im_start|>user\n … <|im_end|>\n` is ~5 tokens). */
const TOKENS_PER_TURN = 5;

/**
 * A conservative (high) token count for text whose tokenizer we do not have (Ollama's and Gemini's
 * models): ASCII characters count one third of a token each (English and code run 3.5-4.5 characters
 * per token in BPE and SentencePiece vocabularies, so a third over-counts), every other code point a
 * whole token (CJK, emoji and accented letters are one to three tokens each; one is the common case),
 * rounded up. Over-counting errs toward trimming history or refusing with 400, never toward a prompt
 * the server silently truncates. Counting for real would need the model's tokenizer: Ollama has no
 * count endpoint, and Gemini's countTokens is a round trip per request before the answer can start.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 3) + other;
}

/** The estimate for a whole prompt: system prompt, each turn (tool calls' names and arguments included) and its markers. */
export function estimatePromptTokens(system: string | undefined, messages: ProviderMessage[]): number {
  let tokens = system ? estimateTokens(system) + TOKENS_PER_TURN : 0;
  for (const m of messages) {
    tokens += estimateTokens(m.content) + TOKENS_PER_TURN;
    for (const c of m.toolCalls ?? []) tokens += estimateTokens(c.name) + estimateTokens(c.arguments);
  }
  return tokens;
}

/**
 * Issue 14, item 4 for a remote provider that told us its model's context (ModelContextCache): the same
 * budget as the local model (fitToContext: system + history + message + the answer's room; oldest turns
 * dropped first) with estimatePromptTokens as the count. Returns the request with the history it can
 * afford (opening on a user turn); the request unchanged when the context is unknown (null). When the
 * system prompt and the newest message alone cannot fit with a minimal answer, throws ContextTooLongError
 * (the router answers 400 CONTEXT_TOO_LONG with over_by and context_size, unless another provider serves).
 * A context whose answer has its own limit (Gemini's outputTokenLimit) caps max_tokens to that limit and
 * still keeps the answer's room (max_tokens, at most half the window) inside the input window: conservative
 * by that much out of a ~1M-token window.
 */
export function budgetRequest(provider: string, req: ProviderRequest, context: ModelContext | null): ProviderRequest {
  if (!context) return req;
  if (context.maxOutputTokens && req.maxTokens && req.maxTokens > context.maxOutputTokens)
    req = { ...req, maxTokens: context.maxOutputTokens };
  try {
    const fitted = fitToContext(req, context.contextSize, (messages) => estimatePromptTokens(req.system, messages));
    if (fitted.messages.length === req.messages.length) return req;
    const messages = [...fitted.messages];
    // A trimmed history must still open on the user's turn (a tool result without its call is refused by both vendors).
    while (messages.length > 1 && messages[0].role !== 'user') messages.shift();
    return { ...req, messages };
  } catch (err) {
    if (!(err instanceof ContextOverflow)) throw err;
    const message =
      `the prompt (system prompt + message) is about ${err.promptTokens} tokens (estimated) and the model's context is ` +
      `${err.contextSize} (${context.source}) with at least ${err.answerTokens} kept for the answer: ${err.overBy} tokens over; ` +
      'shorten the message or the system prompt (options.system on /chat, the system message on /v1)';
    throw new ContextTooLongError(provider, message, err.overBy, err.contextSize);
  }
}

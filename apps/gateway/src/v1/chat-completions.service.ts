import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { concatMap, Observable } from 'rxjs';
import { GatewayEnv } from '@nitro/config';
import {
  ChatCompletionRequestDto,
  ERROR_CODE,
  ID_PATTERN,
  isCompletionToolChoice,
  type CompletionCommand,
  type CompletionEvent,
  type CompletionToolCall,
  type CompletionUsage,
  type ProviderAttemptDto,
} from '@nitro/contracts';
import { AiRouterClient } from '@nitro/transport';
import type { AuthUser } from '../auth/auth-user';
import { invalid, toCompletionMessages, toStop } from './chat-messages.util';
import { clientClosed } from '../common/request-params.decorators';

/** Who answered: the x-nitro-* response headers. */
export interface ServedBy {
  provider: string;
  model: string;
  fallbacks: ProviderAttemptDto[];
}

export interface CompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: 0; delta: Record<string, unknown>; logprobs: null; finish_reason: string | null }[];
  usage?: OpenAiUsage | null;
}

interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * POST /v1/chat/completions at the edge: OpenAI's body to ai-router's stateless chat.complete and
 * its events back to OpenAI's shapes. Stateless unless `sessionId` (x-nitro-session-id) opts in.
 * Takes the user first and an AbortSignal (the client left): no Fastify objects here.
 */
@Injectable()
export class ChatCompletionsService {
  constructor(
    private readonly aiRouter: AiRouterClient,
    private readonly env: GatewayEnv,
  ) {}

  /** The whole answer; the signal aborting (client gone) unsubscribes, which stops generation at once. */
  async create(user: AuthUser, dto: ChatCompletionRequestDto, sessionId: string | undefined, signal: AbortSignal) {
    // One provider request for the whole answer, no packet per token (issue 17).
    const cmd: CompletionCommand = { ...this.command(user, dto, sessionId), stream: false };
    let text = '';
    let served: ServedBy | undefined;
    let done: Extract<CompletionEvent, { type: 'done' }> | undefined;
    await new Promise<void>((resolve, reject) => {
      const sub = this.aiRouter.complete(cmd).subscribe({
        next: (e) => {
          if (e.type === 'meta') served = { provider: e.provider, model: e.model_id, fallbacks: e.fallbacks };
          else if (e.type === 'token') text += e.text;
          else if (e.type === 'done') done = e;
          else reject(eventError(e));
        },
        error: reject,
        complete: resolve,
      });
      signal.addEventListener('abort', () => (sub.unsubscribe(), reject(clientClosed())), { once: true });
    });
    if (!done)
      throw eventError({
        type: 'error',
        status: 502,
        code: ERROR_CODE.INCOMPLETE_ANSWER,
        message: 'the answer ended without its final event',
      });
    // stream: false: the whole text and the fallbacks come in `done` (no meta or token events).
    if (done.text !== undefined) text = done.text;
    served ??= { provider: done.provider, model: done.model_id, fallbacks: done.fallbacks ?? [] };
    const body = {
      id: completionId(),
      object: 'chat.completion' as const,
      created: Math.floor(Date.now() / 1000),
      model: done.model_id,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: done.tool_calls && !text ? null : text,
            refusal: null,
            ...(done.tool_calls ? { tool_calls: openAiToolCalls(done.tool_calls) } : {}),
          },
          logprobs: null,
          finish_reason: finishReason(done.finish_reason),
        },
      ],
      usage: usageOf(done.usage),
      system_fingerprint: null,
    };
    return { served, body };
  }

  /**
   * The answer as OpenAI chunks: a role chunk, content deltas, a finish chunk (tool calls in it),
   * then a usage chunk when `stream_options.include_usage`. `served` is filled before the first chunk.
   */
  stream(
    user: AuthUser,
    dto: ChatCompletionRequestDto,
    sessionId: string | undefined,
  ): { chunks: Observable<CompletionChunk>; served: () => ServedBy | undefined } {
    const cmd = this.command(user, dto, sessionId);
    const id = completionId();
    const created = Math.floor(Date.now() / 1000);
    const includeUsage = dto.stream_options?.include_usage === true;
    let served: ServedBy | undefined;
    const chunk = (model: string, delta: Record<string, unknown>, finish: string | null): CompletionChunk => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const chunks = this.aiRouter.complete(cmd).pipe(
      concatMap((e): CompletionChunk[] => {
        if (e.type === 'error') throw eventError(e);
        if (e.type === 'meta') {
          served = { provider: e.provider, model: e.model_id, fallbacks: e.fallbacks };
          return [chunk(e.model_id, { role: 'assistant', content: '' }, null)];
        }
        const model = served?.model ?? '';
        if (e.type === 'token') return [chunk(model, { content: e.text }, null)];
        const out: CompletionChunk[] = [];
        if (e.tool_calls) out.push(chunk(model, { tool_calls: openAiToolCalls(e.tool_calls).map((c, index) => ({ index, ...c })) }, null));
        out.push(chunk(model, {}, finishReason(e.finish_reason)));
        if (includeUsage) out.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(e.usage) });
        return out;
      }),
    );
    return { chunks, served: () => served };
  }

  private command(user: AuthUser, dto: ChatCompletionRequestDto, sessionId: string | undefined): CompletionCommand {
    if (dto.n !== undefined && dto.n !== null && dto.n !== 1) throw invalid('n', 'n must be 1: one choice per request is supported');
    if (sessionId !== undefined && !ID_PATTERN.test(sessionId))
      throw invalid('x-nitro-session-id', 'the x-nitro-session-id header must be 1-64 letters, digits, "-" or "_"');
    const noTools = dto.tool_choice === 'none';
    // Checked even without tools (a bad value is a 400 either way); a valid one is then unused.
    const choice = noTools ? {} : toolChoice(dto.tool_choice);
    const maxTokens = dto.max_completion_tokens ?? dto.max_tokens;
    return {
      user_id: user.id,
      model: dto.model,
      messages: toCompletionMessages(dto.messages, this.env.CHAT_MAX_MESSAGE_CHARS, this.env.CHAT_ATTACHMENT_MAX_IMAGE_BYTES),
      ...(dto.temperature !== undefined ? { temperature: dto.temperature } : {}),
      ...(dto.top_p !== undefined ? { top_p: dto.top_p } : {}),
      ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
      ...(toStop(dto.stop) ? { stop: toStop(dto.stop) } : {}),
      ...(dto.tools?.length && !noTools ? { tools: dto.tools, ...choice } : {}),
      ...(sessionId ? { session_id: sessionId } : {}),
    };
  }
}

/**
 * OpenAI's tool_choice: "auto" (or absent), "required", or `{ type: "function", function: { name } }`
 * (sent as `{ name }`); "none" never gets here (tools are dropped). Anything else is a 400 naming it.
 */
function toolChoice(choice: unknown): Pick<CompletionCommand, 'tool_choice'> {
  if (choice === undefined || choice === null || choice === 'auto') return {};
  if (choice === 'required') return { tool_choice: 'required' };
  const name = (choice as { type?: unknown; function?: { name?: unknown } }).function?.name;
  if (
    typeof choice === 'object' &&
    (choice as { type?: unknown }).type === 'function' &&
    typeof name === 'string' &&
    isCompletionToolChoice({ name })
  )
    return { tool_choice: { name } };
  throw invalid(
    'tool_choice',
    'tool_choice must be "auto", "none", "required" or { "type": "function", "function": { "name": "<one of tools>" } }',
  );
}

/** ai-router's error event as the error the filters and the SSE helper know (an RPC error payload). */
function eventError(e: Extract<CompletionEvent, { type: 'error' }>) {
  return { status: e.status, code: e.code, message: e.message, ...(e.param ? { details: { param: e.param } } : {}) };
}

/** `chatcmpl-` and 32 hex digits. randomUUID draws from a buffered pool; randomBytes(12) was a CSPRNG call per request (~8 µs). */
function completionId(): string {
  return `chatcmpl-${randomUUID().replaceAll('-', '')}`;
}

function usageOf(u: CompletionUsage): OpenAiUsage {
  const prompt = u.prompt_tokens ?? 0;
  const completion = u.completion_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function finishReason(reason: string): string {
  if (reason === 'length' || reason === 'tool_calls' || reason === 'content_filter') return reason;
  if (reason === 'safety' || reason === 'recitation') return 'content_filter';
  return 'stop';
}

/** OpenAI's tool calls; a Gemini thought signature rides in `extra_content.google` (as Google's own OpenAI-compatible API puts it). */
function openAiToolCalls(calls: CompletionToolCall[]) {
  return calls.map((c) => ({
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: c.arguments },
    ...(c.signature ? { extra_content: { google: { thought_signature: c.signature } } } : {}),
  }));
}

/** x-nitro-provider / x-nitro-model / x-nitro-fallbacks (JSON, ASCII only). */
export function servedHeaders(served: ServedBy | undefined): Record<string, string> {
  if (!served) return {};
  return {
    'x-nitro-provider': served.provider,
    'x-nitro-model': served.model,
    'x-nitro-fallbacks': JSON.stringify(served.fallbacks).replace(/[^\x20-\x7e]/g, '?'),
  };
}

import { randomBytes } from 'node:crypto';
import { ChatResponse, Message, Ollama, Options, Tool, ToolCall } from 'ollama';
import { ChatProvider, ProviderChunk, ProviderRequest, ProviderResult, ProviderToolCall } from './chat-provider.interface';
import { outboundFetch, outboundFetchFunction } from '@nitro/service-kit';
import { budgetRequest } from './context-budget.util';
import { ModelContextCache } from './model-context.cache';
import { ollamaShowLookup, type OllamaModelFacts } from './model-context.lookups';
import { kindForStatus, ProviderError } from './provider-error';

/** A whole answer (NDJSON lines of a long stream included) stays far below this; more is a runaway server. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface OllamaProviderOptions {
  host: string;
  model: string;
  timeoutMs: number;
}

/**
 * Ollama through its official client. Always "configured": whether anything listens is learnt by trying.
 * Every request is budgeted against the model's context (POST /api/show once per model, see
 * ollamaContextOf; budgetRequest): history trimmed first, 400 CONTEXT_TOO_LONG when it cannot fit.
 * The same cached /api/show says whether the model reads images (`capabilities` has "vision"); images go as the
 * message's `images: [<base64>]` (docs/api.md, "Chat request (with images)").
 */
export class OllamaProvider implements ChatProvider {
  readonly name = 'ollama' as const;
  readonly timeoutMs: number;
  readonly supportsTools = true;
  private readonly facts: ModelContextCache<OllamaModelFacts>;

  constructor(private readonly opts: OllamaProviderOptions) {
    this.timeoutMs = opts.timeoutMs;
    this.facts = new ModelContextCache(this.name, ollamaShowLookup(opts.host));
  }

  /** /api/show's capabilities list "vision"; false when Ollama does not say or cannot be asked (within 3 s). */
  async supportsImages(model: string, signal: AbortSignal): Promise<boolean> {
    return (await this.facts.get(model, signal))?.vision ?? false;
  }

  unavailable(): string | null {
    return null;
  }

  modelFor(req: ProviderRequest): string {
    return req.model ?? this.opts.model;
  }

  /**
   * A whole answer: one POST /api/chat with `"stream": false` (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion),
   * sent with service-kit's outbound request and parsed here. The official client's path (fetch Response, web streams,
   * a client per call) cost ai-router about 5 % of its CPU per chat turn (docs/performance/chat.md); streams still use it.
   */
  async generate(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResult> {
    try {
      const res = await this.chatOnce(await this.budget(req, signal), signal);
      const toolCalls = fromToolCalls(res.message?.tool_calls);
      return {
        text: res.message?.content ?? '',
        model: res.model,
        usage: usageOf(res),
        finishReason: toolCalls ? 'tool_calls' : finishOf(res),
        ...(toolCalls ? { toolCalls } : {}),
      };
    } catch (err) {
      throw this.mapError(err);
    }
  }

  async *stream(req: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    let parts: AsyncIterable<ChatResponse>;
    try {
      parts = await this.client(signal).chat({ ...this.body(await this.budget(req, signal)), stream: true });
    } catch (err) {
      throw this.mapError(err);
    }
    const calls: ToolCall[] = [];
    try {
      for await (const part of parts) {
        if (part.message?.content) yield { text: part.message.content };
        if (part.message?.tool_calls?.length) calls.push(...part.message.tool_calls);
        if (part.done) {
          const toolCalls = fromToolCalls(calls);
          yield {
            done: true,
            model: part.model,
            usage: usageOf(part),
            finishReason: toolCalls ? 'tool_calls' : finishOf(part),
            ...(toolCalls ? { toolCalls } : {}),
          };
          return;
        }
      }
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /** The request with the history the model's context affords; ContextTooLongError when even the newest message does not fit. */
  private async budget(req: ProviderRequest, signal: AbortSignal): Promise<ProviderRequest> {
    return budgetRequest(this.name, req, (await this.facts.get(this.modelFor(req), signal))?.context ?? null);
  }

  /** @throws ProviderError for an HTTP error status (Ollama's body: `{"error": "..."}`), OutboundHttpError for the network. */
  private async chatOnce(req: ProviderRequest, signal: AbortSignal): Promise<ChatResponse> {
    const answer = await outboundFetch({
      url: `${this.opts.host.replace(/\/+$/, '')}/api/chat`,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ ...this.body(req), stream: false }),
      timeoutMs: this.timeoutMs,
      signal,
      maxBytes: MAX_ANSWER_BYTES,
    });
    if (answer.status >= 400) {
      const detail = errorOf(answer.text()) ?? `HTTP ${answer.status}`;
      throw new ProviderError(this.name, kindForStatus(answer.status), `HTTP ${answer.status}: ${detail}`, answer.status);
    }
    try {
      return JSON.parse(answer.text()) as ChatResponse;
    } catch {
      throw new ProviderError(this.name, 'unknown', 'the answer to /api/chat is not JSON');
    }
  }

  private body(req: ProviderRequest) {
    return {
      model: this.modelFor(req),
      messages: toMessages(req),
      options: toOptions(req),
      ...(req.tools?.length ? { tools: req.tools as unknown as Tool[] } : {}),
    };
  }

  /**
   * A client per call (construction is cheap): the official client has no per-request signal for
   * non-streamed calls, but it takes a `fetch`, so service-kit's outbound fetch carries the attempt's
   * signal (timeout and caller cancel; the attempt times the stream, so no extra deadline past the
   * headers). The client's own stream AbortController is ignored: nothing of ours calls abort() on it.
   */
  private client(signal: AbortSignal): Ollama {
    return new Ollama({
      host: this.opts.host,
      fetch: outboundFetchFunction({ signal, timeoutMs: this.timeoutMs, maxBytes: MAX_ANSWER_BYTES }),
    });
  }

  /** The client throws ResponseError{status_code, error} for HTTP errors (body `{"error": "..."}`). */
  private mapError(err: unknown): unknown {
    const e = err as { name?: string; status_code?: number; error?: string; message?: string };
    if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
      return new ProviderError(this.name, kindForStatus(e.status_code), `HTTP ${e.status_code}: ${e.error ?? e.message}`, e.status_code);
    }
    if (/Did not receive done/i.test(e?.message ?? ''))
      return new ProviderError(this.name, 'broken_stream', 'stream ended without its final "done" line');
    return err; // network errors and aborts are classified by the router
  }
}

/** Ollama's wire: tool calls carry arguments as an object and no id; a tool result names the tool. */
function toMessages(req: ProviderRequest): Message[] {
  const system: Message[] = req.system ? [{ role: 'system', content: req.system }] : [];
  const names = new Map<string, string>();
  const out = req.messages.map((m): Message => {
    for (const c of m.toolCalls ?? []) names.set(c.id, c.name);
    const msg: Message = { role: m.role, content: m.content };
    if (m.images?.length) msg.images = m.images.map((i) => i.data);
    if (m.toolCalls?.length)
      msg.tool_calls = m.toolCalls.map((c) => ({ function: { name: c.name, arguments: parseArguments(c.arguments) } }));
    if (m.role === 'tool' && m.toolCallId && names.has(m.toolCallId)) msg.tool_name = names.get(m.toolCallId);
    return msg;
  });
  return [...system, ...out];
}

function parseArguments(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

/** Ours (and OpenAI's): an id per call and arguments as a JSON string. */
function fromToolCalls(calls: ToolCall[] | undefined): ProviderToolCall[] | undefined {
  if (!calls?.length) return undefined;
  return calls.map((c) => ({
    id: `call_${randomBytes(12).toString('hex')}`,
    name: c.function.name,
    arguments: JSON.stringify(c.function.arguments ?? {}),
  }));
}

function toOptions(req: ProviderRequest): Partial<Options> {
  const o: Partial<Options> = {};
  if (req.temperature !== undefined) o.temperature = req.temperature;
  if (req.maxTokens !== undefined) o.num_predict = req.maxTokens;
  if (req.topP !== undefined) o.top_p = req.topP;
  if (req.stop?.length) o.stop = req.stop;
  return o;
}

function usageOf(res: ChatResponse) {
  return { prompt_tokens: res.prompt_eval_count, completion_tokens: res.eval_count };
}

function finishOf(res: ChatResponse): string {
  return (res.done_reason || 'stop').toLowerCase();
}

/** Ollama's error body is `{"error": "<message>"}`; anything else yields undefined. */
function errorOf(text: string): string | undefined {
  try {
    const e = (JSON.parse(text) as { error?: unknown }).error;
    return typeof e === 'string' && e ? e.slice(0, 500) : undefined;
  } catch {
    return text.trim().slice(0, 200) || undefined;
  }
}

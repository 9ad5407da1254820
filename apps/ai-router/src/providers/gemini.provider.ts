import { randomBytes } from 'node:crypto';
import {
  Content,
  EnhancedGenerateContentResponse,
  FunctionCall,
  FunctionCallingMode,
  FunctionDeclaration,
  GenerateContentResponse,
  GenerativeModel,
  GoogleGenerativeAI,
  Part,
  Tool,
  ToolConfig,
} from '@google/generative-ai';
import { ChatProvider, ProviderChunk, ProviderRequest, ProviderResult, ProviderToolCall, ProviderUsage } from './chat-provider.interface';
import { budgetRequest } from './context-budget.util';
import { ModelContextCache } from './model-context.cache';
import { geminiContextLookup } from './model-context.lookups';
import { kindForStatus, ProviderError } from './provider-error';

export interface GeminiProviderOptions {
  apiKey: string;
  model: string;
  /** Another endpoint for the REST API (proxy, or a local server in tests); empty for Google's. */
  baseUrl?: string;
  timeoutMs: number;
}

/**
 * Google Gemini through @google/generative-ai. Not configured without an API key. Tools: OpenAI
 * function tools become `tools: [{ functionDeclarations }]` (+ `toolConfig` from the tool choice),
 * `functionCall` parts come back as our tool calls, tool results go back as `functionResponse` parts.
 * Every request is budgeted against the model's inputTokenLimit (models.get once per model; budgetRequest).
 */
export class GeminiProvider implements ChatProvider {
  readonly name = 'gemini' as const;
  readonly timeoutMs: number;
  readonly supportsTools = true;
  private readonly sdk?: GoogleGenerativeAI;
  private readonly contexts: ModelContextCache;

  constructor(private readonly opts: GeminiProviderOptions) {
    this.timeoutMs = opts.timeoutMs;
    if (opts.apiKey) this.sdk = new GoogleGenerativeAI(opts.apiKey);
    this.contexts = new ModelContextCache(this.name, geminiContextLookup(opts.apiKey, opts.baseUrl));
  }

  unavailable(): string | null {
    return this.sdk ? null : 'not configured: set GEMINI_API_KEY (and GEMINI_MODEL to choose the model)';
  }

  /** Every Gemini model the API serves for generateContent reads images (https://ai.google.dev/gemini-api/docs/image-understanding). */
  async supportsImages(): Promise<boolean> {
    return true;
  }

  modelFor(req: ProviderRequest): string {
    return req.model ?? this.opts.model;
  }

  async generate(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResult> {
    try {
      req = await this.budget(req, signal);
      const { response } = await this.model(req).generateContent({ contents: toContents(req), ...toolsOf(req) }, { signal });
      // A prompt blocked by safety settings comes back with no candidates, only promptFeedback.
      if (!response.candidates?.length)
        throw new ProviderError(this.name, 'client', `no answer: ${response.promptFeedback?.blockReason ?? 'no candidates'}`);
      const toolCalls = fromCallParts(callParts(response));
      const finishReason = toolCalls ? 'tool_calls' : finishOf(response.candidates[0].finishReason);
      return {
        text: textOf(response),
        model: this.modelFor(req),
        usage: usageOf(response),
        finishReason,
        ...(toolCalls ? { toolCalls } : {}),
      };
    } catch (err) {
      throw this.mapError(err);
    }
  }

  async *stream(req: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    try {
      req = await this.budget(req, signal);
      const result = await this.model(req).generateContentStream({ contents: toContents(req), ...toolsOf(req) }, { signal });
      // The SDK also aggregates the stream into `response`; we never await it, so silence its rejection.
      result.response.catch(() => undefined);
      let finish: string | undefined;
      let usage: ProviderUsage = {};
      // Gemini streams each functionCall part whole (never split across chunks): collect them for `done`.
      const calls: CallPart[] = [];
      for await (const chunk of result.stream) {
        const text = textOf(chunk);
        if (text) yield { text };
        calls.push(...callParts(chunk));
        finish = chunk.candidates?.[0]?.finishReason ?? finish;
        if (chunk.usageMetadata) usage = usageOf(chunk);
      }
      // SSE has no end marker besides finishReason: a stream cut without one is broken, not finished.
      if (!finish) throw new ProviderError(this.name, 'broken_stream', 'stream ended without a finishReason');
      const toolCalls = fromCallParts(calls);
      yield {
        done: true,
        model: this.modelFor(req),
        usage,
        finishReason: toolCalls ? 'tool_calls' : finishOf(finish),
        ...(toolCalls ? { toolCalls } : {}),
      };
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /** History trimmed to the model's context; ContextTooLongError when even the newest message does not fit. */
  private async budget(req: ProviderRequest, signal: AbortSignal): Promise<ProviderRequest> {
    return this.sdk ? budgetRequest(this.name, req, await this.contexts.get(this.modelFor(req), signal)) : req;
  }

  private model(req: ProviderRequest): GenerativeModel {
    if (!this.sdk) throw new ProviderError(this.name, 'unavailable', this.unavailable() as string);
    const generationConfig = {
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.maxTokens ? { maxOutputTokens: req.maxTokens } : {}),
      ...(req.topP !== undefined ? { topP: req.topP } : {}),
      ...(req.stop?.length ? { stopSequences: req.stop } : {}),
    };
    return this.sdk.getGenerativeModel(
      { model: this.modelFor(req), generationConfig, ...(req.system ? { systemInstruction: req.system } : {}) },
      this.opts.baseUrl ? { baseUrl: this.opts.baseUrl } : undefined,
    );
  }

  /** GoogleGenerativeAIFetchError carries the HTTP status; the message already quotes `error.message`. */
  private mapError(err: unknown): unknown {
    const e = err as { status?: number; message?: string; name?: string };
    if (err instanceof ProviderError) return err;
    if (typeof e?.status === 'number') {
      const detail = (e.message ?? '').replace(/^\[GoogleGenerativeAI Error\]: Error fetching from \S+: /, '');
      return new ProviderError(this.name, kindForStatus(e.status), `HTTP ${e.status}: ${detail}`, e.status);
    }
    if (/Failed to parse stream|Error parsing JSON response/.test(e?.message ?? ''))
      return new ProviderError(this.name, 'broken_stream', e.message ?? 'bad stream');
    return err;
  }
}

/**
 * Gemini wants user/model turns that alternate and start with the user. An assistant turn's tool
 * calls become `functionCall` parts (arguments as an object); a tool result becomes a
 * `functionResponse` part in a user turn, named after the call it answers (Gemini matches results
 * to calls by name and order, it has no call ids). A message's images become inline data parts before its
 * text (Google's advice for one image and a prompt), `inlineData: { mimeType, data }` as the SDK writes them:
 * the REST docs' `inline_data: { mime_type, data }` is the same field (proto JSON takes either spelling).
 */
export function toContents(req: ProviderRequest): Content[] {
  const out: Content[] = [];
  const names = new Map<string, string>();
  for (const m of req.messages) {
    const role = m.role === 'assistant' ? 'model' : 'user';
    if (!out.length && role === 'model') continue;
    const parts: Part[] = [];
    if (m.role === 'tool') {
      const name = (m.toolCallId && names.get(m.toolCallId)) || m.toolCallId || 'tool';
      parts.push({ functionResponse: { name, response: toolResponse(m.content) } });
    } else {
      for (const img of m.images ?? []) parts.push({ inlineData: { mimeType: img.mime, data: img.data } });
      if (m.content || !m.toolCalls?.length) parts.push({ text: m.content });
      for (const c of m.toolCalls ?? []) {
        names.set(c.id, c.name);
        const part: CallPart = {
          functionCall: { name: c.name, args: parseObject(c.arguments) ?? {} },
          ...(c.signature ? { thoughtSignature: c.signature } : {}),
        };
        parts.push(part);
      }
    }
    const last = out[out.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else out.push({ role, parts });
  }
  return out;
}

/** `response` must be a JSON object: an object result as it is, anything else as `{ result }`. */
function toolResponse(content: string): object {
  const obj = parseObject(content);
  if (obj) return obj;
  try {
    return { result: JSON.parse(content) as unknown };
  } catch {
    return { result: content };
  }
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(json || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * OpenAI function tools as Gemini function declarations, and the OpenAI tool choice as `toolConfig`:
 * "auto" AUTO, "none" NONE, "required" ANY, one named function ANY restricted to that name.
 */
export function toolsOf(req: ProviderRequest): { tools?: Tool[]; toolConfig?: ToolConfig } {
  if (!req.tools?.length) return {};
  const functionDeclarations = req.tools.map((t): FunctionDeclaration => {
    const fn = ((t as { function?: unknown }).function ?? t) as { name?: unknown; description?: unknown; parameters?: unknown };
    const params = toSchema(fn.parameters);
    const hasParams = params && Object.keys((params.properties as object | undefined) ?? {}).length > 0;
    return {
      name: String(fn.name),
      ...(typeof fn.description === 'string' && fn.description ? { description: fn.description } : {}),
      ...(hasParams ? { parameters: params as unknown as FunctionDeclaration['parameters'] } : {}),
    };
  });
  const choice = req.toolChoice;
  const mode =
    choice === 'none'
      ? FunctionCallingMode.NONE
      : choice === 'required' || typeof choice === 'object'
        ? FunctionCallingMode.ANY
        : FunctionCallingMode.AUTO;
  const toolConfig: ToolConfig = {
    functionCallingConfig: { mode, ...(typeof choice === 'object' ? { allowedFunctionNames: [choice.name] } : {}) },
  };
  return { tools: [{ functionDeclarations }], toolConfig };
}

/** JSON Schema keys Gemini's Schema (an OpenAPI 3.0 subset) takes; others ($schema, additionalProperties, …) are a 400 there. */
const SCHEMA_KEYS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

/** A JSON Schema reduced to what Gemini accepts: upper-case types, `["string","null"]` as nullable. */
export function toSchema(schema: unknown): Record<string, unknown> | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (!SCHEMA_KEYS.has(key)) continue;
    if (key === 'type') {
      const types = (Array.isArray(value) ? value : [value]).map(String);
      const real = types.filter((t) => t !== 'null');
      if (real.length) out.type = real[0].toUpperCase();
      if (real.length < types.length) out.nullable = true;
    } else if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toSchema(v) ?? {}]));
    } else if (key === 'items') {
      const items = toSchema(value);
      if (items) out.items = items;
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out.anyOf = value.map((v) => toSchema(v) ?? {});
    } else if (key === 'enum' && Array.isArray(value)) {
      out.enum = value.map(String);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * A functionCall part; thinking models (Gemini 2.5+) add an opaque `thoughtSignature` that must come
 * back with the call on the next turn (Gemini 3 answers 400 without it). The SDK's types predate it.
 */
type CallPart = { functionCall: FunctionCall; thoughtSignature?: string };

function callParts(res: GenerateContentResponse): CallPart[] {
  return ((res.candidates?.[0]?.content?.parts ?? []) as (Part & { thoughtSignature?: string })[]).flatMap((p) =>
    p.functionCall ? [{ functionCall: p.functionCall, ...(p.thoughtSignature ? { thoughtSignature: p.thoughtSignature } : {}) }] : [],
  );
}

/** Ours (and OpenAI's): an id per call and arguments as a JSON string; the signature kept to go back. */
function fromCallParts(calls: CallPart[]): ProviderToolCall[] | undefined {
  if (!calls.length) return undefined;
  return calls.map(({ functionCall: c, thoughtSignature }) => ({
    id: `call_${randomBytes(12).toString('hex')}`,
    name: c.name,
    arguments: JSON.stringify(c.args ?? {}),
    ...(thoughtSignature ? { signature: thoughtSignature } : {}),
  }));
}

function textOf(res: GenerateContentResponse | EnhancedGenerateContentResponse): string {
  return (res.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join('');
}

function usageOf(res: GenerateContentResponse): ProviderUsage {
  return { prompt_tokens: res.usageMetadata?.promptTokenCount, completion_tokens: res.usageMetadata?.candidatesTokenCount };
}

function finishOf(reason: string | undefined): string {
  if (!reason || reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  return reason.toLowerCase();
}

import { Content, EnhancedGenerateContentResponse, GenerateContentResponse, GenerativeModel, GoogleGenerativeAI } from '@google/generative-ai';
import { ChatProvider, ProviderChunk, ProviderRequest, ProviderResult, ProviderUsage } from './chat-provider.interface';
import { kindForStatus, ProviderError } from './provider-error';

export interface GeminiProviderOptions {
  apiKey: string;
  model: string;
  /** Another endpoint for the REST API (proxy, or a local server in tests); empty for Google's. */
  baseUrl?: string;
  timeoutMs: number;
}

/** Google Gemini through @google/generative-ai. Not configured without an API key. */
export class GeminiProvider implements ChatProvider {
  readonly name = 'gemini' as const;
  readonly timeoutMs: number;
  private readonly sdk?: GoogleGenerativeAI;

  constructor(private readonly opts: GeminiProviderOptions) {
    this.timeoutMs = opts.timeoutMs;
    if (opts.apiKey) this.sdk = new GoogleGenerativeAI(opts.apiKey);
  }

  unavailable(): string | null {
    return this.sdk ? null : 'not configured: set GEMINI_API_KEY (and GEMINI_MODEL to choose the model)';
  }

  modelFor(req: ProviderRequest): string {
    return req.model ?? this.opts.model;
  }

  async generate(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResult> {
    try {
      const { response } = await this.model(req).generateContent({ contents: toContents(req) }, { signal });
      // A prompt blocked by safety settings comes back with no candidates, only promptFeedback.
      if (!response.candidates?.length) throw new ProviderError(this.name, 'client', `no answer: ${response.promptFeedback?.blockReason ?? 'no candidates'}`);
      return { text: textOf(response), model: this.modelFor(req), usage: usageOf(response), finishReason: finishOf(response.candidates[0].finishReason) };
    } catch (err) {
      throw this.mapError(err);
    }
  }

  async *stream(req: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    try {
      const result = await this.model(req).generateContentStream({ contents: toContents(req) }, { signal });
      // The SDK also aggregates the stream into `response`; we never await it, so silence its rejection.
      result.response.catch(() => undefined);
      let finish: string | undefined;
      let usage: ProviderUsage = {};
      for await (const chunk of result.stream) {
        const text = textOf(chunk);
        if (text) yield { text };
        finish = chunk.candidates?.[0]?.finishReason ?? finish;
        if (chunk.usageMetadata) usage = usageOf(chunk);
      }
      // SSE has no end marker besides finishReason: a stream cut without one is broken, not finished.
      if (!finish) throw new ProviderError(this.name, 'broken_stream', 'stream ended without a finishReason');
      yield { done: true, model: this.modelFor(req), usage, finishReason: finishOf(finish) };
    } catch (err) {
      throw this.mapError(err);
    }
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
    if (/Failed to parse stream|Error parsing JSON response/.test(e?.message ?? '')) return new ProviderError(this.name, 'broken_stream', e.message ?? 'bad stream');
    return err;
  }
}

/** Gemini wants user/model turns that alternate and start with the user. */
export function toContents(req: ProviderRequest): Content[] {
  const out: Content[] = [];
  for (const m of req.messages) {
    const role = m.role === 'assistant' ? 'model' : 'user';
    if (!out.length && role === 'model') continue;
    const last = out[out.length - 1];
    if (last?.role === role) last.parts.push({ text: m.content });
    else out.push({ role, parts: [{ text: m.content }] });
  }
  return out;
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

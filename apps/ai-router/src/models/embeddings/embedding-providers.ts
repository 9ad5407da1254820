import { AiRouterEnv } from '@nitro/config';
import { outboundFetch, OutboundHttpError, type OutboundAnswer } from '@nitro/service-kit';
import type { ChatProvider } from '../../providers/chat-provider.interface';
import { LocalLlamaProvider } from '../../providers/local/local-llama.provider';
import { kindForStatus, ProviderError } from '../../providers/provider-error';
import type { EmbeddingProvider, Embeddings } from './embedding-provider.interface';

const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/** The local GGUF through node-llama-cpp's embedding context (the chat provider owns the engine). */
export class LocalEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'local' as const;
  constructor(private readonly local: LocalLlamaProvider) {}

  embed(texts: string[], model: string, signal: AbortSignal): Promise<Embeddings> {
    return this.local.embed(texts, signal, model || undefined);
  }
}

/** Ollama's POST /api/embed ({ model, input: [] } -> { embeddings, prompt_eval_count }). */
export class OllamaEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'ollama' as const;
  constructor(private readonly opts: { host: string; timeoutMs: number }) {}

  async embed(texts: string[], model: string, signal: AbortSignal): Promise<Embeddings> {
    const res = await send(this.name, {
      url: new URL('/api/embed', this.opts.host),
      body: { model, input: texts },
      timeoutMs: this.opts.timeoutMs,
      signal,
    });
    const body = JSON.parse(res.text()) as { embeddings?: number[][]; prompt_eval_count?: number; model?: string };
    if (!Array.isArray(body.embeddings) || body.embeddings.length !== texts.length)
      throw new ProviderError(this.name, 'unknown', 'answer without one embedding per input');
    return { vectors: body.embeddings, promptTokens: body.prompt_eval_count ?? 0, model: body.model ?? model };
  }
}

/** Gemini's REST batchEmbedContents (the SDK only calls the global fetch; this goes through outboundFetch). */
export class GeminiEmbeddingProvider implements EmbeddingProvider {
  readonly name = 'gemini' as const;
  constructor(private readonly opts: { apiKey: string; baseUrl: string; timeoutMs: number }) {}

  async embed(texts: string[], model: string, signal: AbortSignal): Promise<Embeddings> {
    if (!this.opts.apiKey) throw new ProviderError(this.name, 'unavailable', 'not configured: set GEMINI_API_KEY');
    const base = this.opts.baseUrl || 'https://generativelanguage.googleapis.com';
    const url = new URL(`/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`, base);
    const requests = texts.map((text) => ({ model: `models/${model}`, content: { parts: [{ text }] } }));
    const res = await send(this.name, {
      url,
      body: { requests },
      headers: { 'x-goog-api-key': this.opts.apiKey },
      timeoutMs: this.opts.timeoutMs,
      signal,
    });
    const body = JSON.parse(res.text()) as { embeddings?: { values: number[] }[] };
    if (!Array.isArray(body.embeddings) || body.embeddings.length !== texts.length)
      throw new ProviderError(this.name, 'unknown', 'answer without one embedding per input');
    // Gemini does not count embedding tokens; a rough count keeps `usage` meaningful.
    return { vectors: body.embeddings.map((e) => e.values), promptTokens: texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0), model };
  }
}

async function send(
  provider: string,
  req: { url: URL; body: unknown; headers?: Record<string, string>; timeoutMs: number; signal: AbortSignal },
): Promise<OutboundAnswer> {
  let res: OutboundAnswer;
  try {
    res = await outboundFetch({
      url: req.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(req.headers ?? {}) },
      body: JSON.stringify(req.body),
      timeoutMs: req.timeoutMs,
      signal: req.signal,
      maxBytes: MAX_ANSWER_BYTES,
    });
  } catch (err) {
    if (err instanceof OutboundHttpError) {
      const kind =
        err.kind === 'cancelled' ? 'aborted' : err.kind === 'timeout' ? 'timeout' : err.kind === 'unreachable' ? 'connection' : 'unknown';
      throw new ProviderError(provider, kind, err.message);
    }
    throw err;
  }
  if (res.status !== 200) {
    const detail = res.text().slice(0, 300);
    throw new ProviderError(provider, kindForStatus(res.status), `HTTP ${res.status}: ${detail}`, res.status);
  }
  return res;
}

export function createEmbeddingProviders(env: AiRouterEnv, chat: ChatProvider[]): EmbeddingProvider[] {
  const local = chat.find((p): p is LocalLlamaProvider => p instanceof LocalLlamaProvider);
  return [
    ...(local ? [new LocalEmbeddingProvider(local)] : []),
    new OllamaEmbeddingProvider({ host: env.OLLAMA_HOST, timeoutMs: env.OLLAMA_TIMEOUT_MS }),
    new GeminiEmbeddingProvider({ apiKey: env.GEMINI_API_KEY, baseUrl: env.GEMINI_BASE_URL, timeoutMs: env.PROVIDER_TIMEOUT_MS }),
  ];
}

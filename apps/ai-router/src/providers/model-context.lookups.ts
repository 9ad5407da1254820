import { outboundFetch } from '@nitro/service-kit';
import { CONTEXT_LOOKUP_TIMEOUT_MS, ModelContext, ModelContextLookup } from './model-context.cache';

/** /api/show carries the license, template and model_info; a few MB at most. */
const MAX_SHOW_BYTES = 8 * 1024 * 1024;
const GOOGLE_API = 'https://generativelanguage.googleapis.com';

/** What POST /api/show answers that says something about the context (docs/api.md, "Show model information"). */
export interface OllamaShow {
  /** The Modelfile's parameters as text, one per line: `num_ctx                        4096`. */
  parameters?: string;
  /** GGUF metadata: `general.architecture` and `<arch>.context_length` (the context the model was trained for). */
  model_info?: Record<string, unknown>;
  /** What the model can do (Ollama 0.6.4+): e.g. `["completion", "vision", "tools"]`; "vision" means it reads `images`. */
  capabilities?: unknown;
}

/** What one POST /api/show tells the Ollama adapter about a model. */
export interface OllamaModelFacts {
  /** The context to budget against; null when /api/show does not say. */
  context: ModelContext | null;
  /** `capabilities` lists "vision": the model reads a message's `images`. */
  vision: boolean;
}

/**
 * Ollama: POST {host}/api/show `{ "model": … }` (one call per model, cached by ModelContextCache, bounded by
 * CONTEXT_LOOKUP_TIMEOUT_MS): the context and whether it reads images. Rejects on a network failure or a status
 * other than 200; the cache turns that into "unknown" (no budgeting, no images).
 */
export function ollamaShowLookup(host: string): ModelContextLookup<OllamaModelFacts> {
  return async (model, signal) => {
    const res = await outboundFetch({
      url: `${host.replace(/\/+$/, '')}/api/show`,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ model }),
      timeoutMs: CONTEXT_LOOKUP_TIMEOUT_MS,
      signal,
      maxBytes: MAX_SHOW_BYTES,
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from /api/show`);
    const show = JSON.parse(res.text()) as OllamaShow;
    return { context: ollamaContextOf(show), vision: ollamaVisionOf(show) };
  };
}

/** Whether /api/show's `capabilities` lists "vision" (https://github.com/ollama/ollama/blob/main/docs/api.md#show-model-information). */
export function ollamaVisionOf(show: OllamaShow): boolean {
  return Array.isArray(show.capabilities) && show.capabilities.includes('vision');
}

/**
 * The window Ollama runs the model with: `num_ctx` from the model's parameters when its Modelfile sets one
 * (Ollama uses exactly that; we never send num_ctx per request); otherwise `<arch>.context_length` from
 * model_info, the model's trained context. In that second case Ollama actually runs with its server default
 * (OLLAMA_CONTEXT_LENGTH: 2,048-4,096 tokens by version, more with a large GPU), which the API does not
 * report, and silently drops the start of a longer prompt: the budget then refuses only what can never fit.
 * Set `PARAMETER num_ctx` in the Modelfile for exact budgeting. Null when neither is there.
 */
export function ollamaContextOf(show: OllamaShow): ModelContext | null {
  const numCtx = /^\s*num_ctx\s+(\d+)\s*$/m.exec(show.parameters ?? '');
  if (numCtx && Number(numCtx[1]) > 0) return { contextSize: Number(numCtx[1]), source: "num_ctx in the Ollama model's parameters" };
  const info = show.model_info ?? {};
  const arch = info['general.architecture'];
  const key =
    typeof arch === 'string' && typeof info[`${arch}.context_length`] === 'number'
      ? `${arch}.context_length`
      : Object.keys(info).find((k) => k.endsWith('.context_length') && typeof info[k] === 'number');
  const size = key ? (info[key] as number) : 0;
  return size > 0 ? { contextSize: size, source: `${key} of the Ollama model` } : null;
}

/**
 * Gemini: GET {base}/v1beta/models/{model} (models.get) with the API key in `x-goog-api-key`, as the SDK
 * sends it; the Model resource's `inputTokenLimit` is the window, `outputTokenLimit` caps max_tokens.
 */
export function geminiContextLookup(apiKey: string, baseUrl?: string): ModelContextLookup {
  return async (model, signal) => {
    const name = (model.includes('/') ? model : `models/${model}`).split('/').map(encodeURIComponent).join('/');
    const res = await outboundFetch({
      url: `${(baseUrl || GOOGLE_API).replace(/\/+$/, '')}/v1beta/${name}`,
      headers: { 'x-goog-api-key': apiKey, accept: 'application/json' },
      timeoutMs: CONTEXT_LOOKUP_TIMEOUT_MS,
      signal,
      maxBytes: 1024 * 1024,
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from models.get`);
    const m = JSON.parse(res.text()) as { inputTokenLimit?: unknown; outputTokenLimit?: unknown };
    if (typeof m.inputTokenLimit !== 'number' || m.inputTokenLimit <= 0) return null;
    const output = typeof m.outputTokenLimit === 'number' && m.outputTokenLimit > 0 ? { maxOutputTokens: m.outputTokenLimit } : {};
    return { contextSize: m.inputTokenLimit, ...output, source: "the Gemini model's inputTokenLimit" };
  };
}

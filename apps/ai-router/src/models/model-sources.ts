import { stat } from 'node:fs/promises';
import { AiRouterEnv } from '@nitro/config';
import type { ModelCapability, ProviderName } from '@nitro/contracts';
import { outboundFetch, OutboundHttpError } from '@nitro/service-kit';
import { listModelFiles, modelsDirFrom, resolveModelFile } from '../providers/local/model-file.util';
import { importEsm } from '../providers/local/esm-import.util';

/** A model as its provider lists it. */
export interface SourceModel {
  model: string;
  context_length?: number;
  capabilities: ModelCapability[];
  /** Set when the provider is known to be unable to serve this model now. */
  reason?: string;
}

/** Lists one provider's models; throws (with a reason worth showing) when the provider cannot be asked. */
export interface ModelSource {
  readonly provider: ProviderName;
  list(signal: AbortSignal): Promise<SourceModel[]>;
}

export const MODEL_SOURCES = Symbol('MODEL_SOURCES');
const LIST_TIMEOUT_MS = 5_000;
const MAX_LIST_BYTES = 4 * 1024 * 1024;

/** Ollama: GET /api/tags, then POST /api/show per model for its capabilities and context length. */
export class OllamaModelSource implements ModelSource {
  readonly provider = 'ollama' as const;
  constructor(private readonly host: string) {}

  async list(signal: AbortSignal): Promise<SourceModel[]> {
    const tags = await this.call<{ models?: { name: string }[] }>('/api/tags', undefined, signal);
    return Promise.all((tags.models ?? []).map((m) => this.describe(m.name, signal)));
  }

  private async describe(model: string, signal: AbortSignal): Promise<SourceModel> {
    const show = await this.call<{ capabilities?: string[]; model_info?: Record<string, unknown> }>('/api/show', { model }, signal).catch(
      () => undefined,
    );
    const caps = new Set<ModelCapability>();
    for (const c of show?.capabilities ?? ['completion']) {
      if (c === 'completion') caps.add('chat');
      if (c === 'embedding') caps.add('embeddings');
      if (c === 'vision' || c === 'tools') caps.add(c);
    }
    if (!show?.capabilities) caps.add('embeddings'); // an old Ollama without `capabilities`: /api/embed takes any model
    const ctx = Object.entries(show?.model_info ?? {}).find(([k]) => k.endsWith('.context_length'))?.[1];
    return { model, capabilities: [...caps], ...(typeof ctx === 'number' ? { context_length: ctx } : {}) };
  }

  private async call<T>(path: string, body: unknown, signal: AbortSignal): Promise<T> {
    const res = await outboundFetch({
      url: new URL(path, this.host),
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      timeoutMs: LIST_TIMEOUT_MS,
      signal,
      maxBytes: MAX_LIST_BYTES,
    }).catch((err: unknown) => {
      throw new Error(err instanceof OutboundHttpError ? `${err.kind}: ${err.message}` : String(err));
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${path}`);
    return JSON.parse(res.text()) as T;
  }
}

/**
 * The local GGUF files (LOCAL_MODEL_PATH, then every .gguf in MODELS_DIR), the default first; each
 * one's context length read from its header once (cached by path, size and modification time).
 */
export class LocalModelSource implements ModelSource {
  readonly provider = 'local' as const;
  private readonly contexts = new Map<string, { key: string; ctx: number | undefined }>();
  constructor(private readonly env: Pick<AiRouterEnv, 'LOCAL_MODEL_PATH' | 'LOCAL_CONTEXT_SIZE' | 'MODELS_DIR'>) {}

  async list(): Promise<SourceModel[]> {
    const dir = modelsDirFrom(this.env.MODELS_DIR);
    const files = listModelFiles(this.env.LOCAL_MODEL_PATH, dir);
    if (!files.length) throw new Error(`not configured: ${resolveModelFile(this.env.LOCAL_MODEL_PATH, dir).problem}`);
    return Promise.all(
      files.map(async (f): Promise<SourceModel> => {
        const trained = await this.trainedContext(f.path);
        const context_length = trained ? Math.min(trained, this.env.LOCAL_CONTEXT_SIZE) : undefined;
        return { model: f.name, capabilities: ['chat', 'embeddings'], ...(context_length ? { context_length } : {}) };
      }),
    );
  }

  private async trainedContext(path: string): Promise<number | undefined> {
    const st = await stat(path).catch(() => undefined);
    const key = `${st?.size}:${st?.mtimeMs}`;
    const hit = this.contexts.get(path);
    if (hit?.key === key) return hit.ctx;
    const ctx = await trainedContext(path);
    this.contexts.set(path, { key, ctx });
    return ctx;
  }
}

async function trainedContext(path: string): Promise<number | undefined> {
  try {
    const lib = await importEsm<typeof import('node-llama-cpp')>('node-llama-cpp');
    const info = await lib.readGgufFileInfo(path, { readTensorInfo: false });
    const arch = (info.metadata as { general?: { architecture?: string } }).general?.architecture ?? 'llama';
    const ctx = (info.metadata as unknown as Record<string, { context_length?: number }>)[arch]?.context_length;
    return typeof ctx === 'number' ? ctx : undefined;
  } catch {
    return undefined;
  }
}

/** Gemini: the configured chat and embedding models (listing Google's catalogue would cost a call per refresh). */
export class GeminiModelSource implements ModelSource {
  readonly provider = 'gemini' as const;
  constructor(private readonly env: Pick<AiRouterEnv, 'GEMINI_API_KEY' | 'GEMINI_MODEL' | 'GEMINI_EMBEDDING_MODEL'>) {}

  async list(): Promise<SourceModel[]> {
    const reason = this.env.GEMINI_API_KEY ? undefined : 'not configured: set GEMINI_API_KEY';
    return [
      { model: this.env.GEMINI_MODEL, capabilities: ['chat', 'vision', 'tools'], ...(reason ? { reason } : {}) },
      { model: this.env.GEMINI_EMBEDDING_MODEL, capabilities: ['embeddings'], ...(reason ? { reason } : {}) },
    ];
  }
}

export function createModelSources(env: AiRouterEnv): ModelSource[] {
  return [new OllamaModelSource(env.OLLAMA_HOST), new LocalModelSource(env), new GeminiModelSource(env)];
}

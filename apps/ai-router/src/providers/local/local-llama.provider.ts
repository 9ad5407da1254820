import { basename } from 'node:path';
import type { ChatHistoryItem, LlamaContextSequence } from 'node-llama-cpp';
import { ChatProvider, ProviderChunk, ProviderRequest, ProviderResult } from '../chat-provider.interface';
import { getLogger } from '@nitro/observability';
import { ContextTooLongError, ProviderError } from '../provider-error';
import { ChunkQueue } from './chunk-queue.util';
import { disposeLlamaBackend, LlamaEngine, LoadedModel, ModelLoadError } from './llama-engine';
import { listModelFiles, resolveModelFile, type LocalModelFile } from './model-file.util';
import { ContextOverflow, DEFAULT_SYSTEM, fitToContext, renderTranscript, STOP_STRINGS } from './prompt-format.util';

export interface LocalProviderOptions {
  /** LOCAL_MODEL_PATH: the model when a request names none; empty means the first .gguf in modelsDir. */
  modelPath: string;
  /** MODELS_DIR: every .gguf there is served as local/<name>. Default <repo>/models. */
  modelsDir?: string;
  /** A loaded model unused this long (ms) is unloaded; 0 or absent: never. */
  idleUnloadMs?: number;
  contextSize: number;
  threads: number;
  timeoutMs: number;
  /** 'auto' uses the model's chat template when the GGUF has one, else the plain transcript. */
  promptMode?: 'auto' | 'completion' | 'chat';
}

export const DOWNLOAD_HINT =
  'or let the start script download the default chat model (`pnpm start`, network needed; `node dist/apps/ai-router/src/model-download.js` does it alone)';

/**
 * GGUF models run in-process by node-llama-cpp: works offline, with no key and no other server.
 * Every .gguf in modelsDir is a model (`req.model` names one; none: the default). A model loads on
 * its first use (concurrent first uses share one load: one engine per file, never two copies) and
 * is unloaded after idleUnloadMs without use.
 */
export class LocalLlamaProvider implements ChatProvider {
  readonly name = 'local' as const;
  readonly timeoutMs: number;
  /** One engine per model file path. */
  private readonly engines = new Map<string, LlamaEngine>();
  private readonly sweep?: NodeJS.Timeout;

  constructor(private readonly opts: LocalProviderOptions) {
    this.timeoutMs = opts.timeoutMs;
    // A missing LOCAL_MODEL_PATH is reported, not fatal: the files of modelsDir are still served.
    const { path, problem } = this.modelFile();
    if (opts.modelPath && problem)
      getLogger().warn({ LOCAL_MODEL_PATH: opts.modelPath, serving: path ?? null }, `local provider: ${problem}`);
    const idle = opts.idleUnloadMs ?? 0;
    if (idle > 0) {
      this.sweep = setInterval(() => void this.unloadIdle(idle), Math.max(50, Math.min(idle / 2, 30_000)));
      this.sweep.unref();
    }
  }

  unavailable(): string | null {
    const { path, problem } = this.modelFile();
    return path
      ? null
      : `not configured: ${problem ? `${problem}; ` : ''}set LOCAL_MODEL_PATH to a .gguf file, put one in models/, ${DOWNLOAD_HINT}`;
  }

  /** The embedded text-only completion models (node-llama-cpp without a vision projector) read no images. */
  async supportsImages(): Promise<boolean> {
    return false;
  }

  modelFor(req: ProviderRequest): string {
    if (req.model) return req.model.replace(/\.gguf$/i, '');
    const { path } = this.modelFile();
    return path ? basename(path).replace(/\.gguf$/i, '') : 'none';
  }

  /** The model files this provider serves, default first (see listModelFiles). */
  files(): LocalModelFile[] {
    return listModelFiles(this.opts.modelPath, this.opts.modelsDir);
  }

  /** Whether the file at `path` is in memory, and whether a request is using (or waiting for) it. */
  engineState(path: string): { loaded: boolean; busy: boolean } {
    const e = this.engines.get(path);
    return { loaded: !!e?.isLoaded, busy: !!e?.isBusy };
  }

  /** Frees the model at `path` before its file is deleted: 'busy' (left alone) while a request uses it. */
  async unload(path: string): Promise<'unloaded' | 'not_loaded' | 'busy'> {
    const e = this.engines.get(path);
    if (!e) return 'not_loaded';
    if (e.isBusy) return 'busy';
    this.engines.delete(path);
    const was = e.isLoaded;
    await e.dispose();
    return was ? 'unloaded' : 'not_loaded';
  }

  async generate(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResult> {
    return this.run(req, signal);
  }

  async *stream(req: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    // Our own controller too: a consumer that stops reading must stop the generation.
    const stop = new AbortController();
    const combined = AbortSignal.any([signal, stop.signal]);
    const queue = new ChunkQueue<ProviderChunk>();
    const running = this.run(req, combined, (text) => queue.push({ text })).then(
      (r) => {
        queue.push({ done: true, model: r.model, usage: r.usage, finishReason: r.finishReason });
        queue.end();
      },
      (err) => queue.fail(err),
    );
    try {
      yield* queue;
    } finally {
      stop.abort(new Error('stream consumer stopped'));
      await running;
    }
  }

  /** Embedding vectors from the same model file (its own embedding context, loaded on first use). */
  async embed(texts: string[], signal: AbortSignal, model?: string): Promise<{ vectors: number[][]; promptTokens: number; model: string }> {
    try {
      return await this.getEngine(model).embed(texts, signal);
    } catch (err) {
      throw err instanceof ModelLoadError ? new ProviderError(this.name, 'unavailable', err.message) : err;
    }
  }

  async dispose(): Promise<void> {
    clearInterval(this.sweep);
    const engines = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(engines.map((e) => e.dispose()));
    await disposeLlamaBackend();
  }

  private modelFile() {
    return resolveModelFile(this.opts.modelPath, this.opts.modelsDir);
  }

  /** The file a request's model names (none: the default), read from the disk so pulled files count at once. */
  private pathFor(model?: string): string {
    if (!model) {
      const { path, problem } = this.modelFile();
      if (!path) throw new ProviderError(this.name, 'unavailable', `not configured: ${problem}`);
      return path;
    }
    const files = this.files();
    const found = files.find((f) => f.name === model || f.file === model);
    if (!found)
      throw new ProviderError(
        this.name,
        'client',
        `no local model "${model}"; local models: ${files.map((f) => f.name).join(', ') || 'none'}`,
        404,
      );
    return found.path;
  }

  private getEngine(model?: string): LlamaEngine {
    const path = this.pathFor(model);
    let engine = this.engines.get(path);
    if (!engine) {
      engine = new LlamaEngine({ modelPath: path, contextSize: this.opts.contextSize, threads: this.opts.threads });
      this.engines.set(path, engine);
    }
    return engine;
  }

  /** Unloads models nobody used for `idleMs` (a loading or busy engine is left alone). */
  private async unloadIdle(idleMs: number): Promise<void> {
    const now = Date.now();
    for (const [path, e] of this.engines) {
      if (e.isLoaded && !e.isBusy && now - e.lastUsed >= idleMs) {
        this.engines.delete(path);
        await e.dispose();
        getLogger().info({ model: basename(path), idleMs: now - e.lastUsed }, 'local model unloaded (idle)');
      }
    }
  }

  private async run(req: ProviderRequest, signal: AbortSignal, onText?: (text: string) => void): Promise<ProviderResult> {
    try {
      return await this.getEngine(req.model).withSequence(signal, (seq, loaded) => this.generateOn(seq, loaded, req, signal, onText));
    } catch (err) {
      throw err instanceof ModelLoadError ? new ProviderError(this.name, 'unavailable', err.message) : err;
    }
  }

  private fit(req: ProviderRequest, contextSize: number, count: (messages: ProviderRequest['messages']) => number) {
    try {
      return fitToContext(req, contextSize, count);
    } catch (err) {
      if (err instanceof ContextOverflow) throw new ContextTooLongError(this.name, err.message, err.overBy, err.contextSize);
      throw err;
    }
  }

  private async generateOn(
    seq: LlamaContextSequence,
    loaded: LoadedModel,
    req: ProviderRequest,
    signal: AbortSignal,
    onText?: (text: string) => void,
  ): Promise<ProviderResult> {
    const count = (messages: ProviderRequest['messages']) => loaded.model.tokenize(renderTranscript(req.system, messages)).length;
    const fitted = this.fit(req, loaded.contextSize, count);
    let completionTokens = 0;
    let started = false;
    const options = {
      maxTokens: fitted.maxTokens,
      temperature: req.temperature ?? 0.8,
      ...(req.topP !== undefined ? { topP: req.topP } : {}),
      ...(req.stop?.length ? { customStopTriggers: req.stop } : {}),
      signal,
      trimWhitespaceSuffix: true,
      onToken: (tokens: unknown[]) => (completionTokens += tokens.length),
      onTextChunk: (text: string) => {
        // A completion often starts with the space after "Assistant:"; drop it so stream and stored text agree.
        const out = started ? text : text.trimStart();
        if (out) started = true;
        if (out) onText?.(out);
      },
    };
    const mode =
      this.opts.promptMode === 'completion' || this.opts.promptMode === 'chat'
        ? this.opts.promptMode
        : loaded.hasChatTemplate
          ? 'chat'
          : 'completion';
    let text: string;
    let stopReason: string;
    if (mode === 'chat') {
      const chat = new loaded.lib.LlamaChat({ contextSequence: seq });
      try {
        const history: ChatHistoryItem[] = [
          { type: 'system', text: req.system ?? DEFAULT_SYSTEM },
          ...fitted.messages.map((m): ChatHistoryItem =>
            m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] },
          ),
          { type: 'model', response: [] },
        ];
        const r = await chat.generateResponse(history, options);
        [text, stopReason] = [r.response, r.metadata.stopReason];
      } finally {
        chat.dispose({ disposeSequence: false });
      }
    } else {
      const completion = new loaded.lib.LlamaCompletion({ contextSequence: seq });
      try {
        const r = await completion.generateCompletionWithMeta(renderTranscript(req.system, fitted.messages), {
          ...options,
          customStopTriggers: [...STOP_STRINGS, ...(req.stop ?? [])],
        });
        [text, stopReason] = [r.response, r.metadata.stopReason];
      } finally {
        completion.dispose({ disposeSequence: false });
      }
    }
    return {
      text: text.trimStart(),
      model: loaded.name,
      usage: { prompt_tokens: fitted.promptTokens, completion_tokens: completionTokens },
      finishReason: stopReason === 'maxTokens' ? 'length' : 'stop',
    };
  }
}

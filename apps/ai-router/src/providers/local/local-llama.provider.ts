import { basename } from 'node:path';
import type { ChatHistoryItem, LlamaContextSequence } from 'node-llama-cpp';
import { ChatProvider, ProviderChunk, ProviderRequest, ProviderResult } from '../chat-provider.interface';
import { ContextTooLongError, ProviderError } from '../provider-error';
import { ChunkQueue } from './chunk-queue.util';
import { LlamaEngine, LoadedModel, ModelLoadError } from './llama-engine';
import { resolveModelFile } from './model-file.util';
import { ContextOverflow, DEFAULT_SYSTEM, fitToContext, renderTranscript, STOP_STRINGS } from './prompt-format.util';

export interface LocalProviderOptions {
  /** LOCAL_MODEL_PATH; empty means the first .gguf under <repo>/models/. */
  modelPath: string;
  modelsDir?: string;
  contextSize: number;
  threads: number;
  timeoutMs: number;
  /** 'auto' uses the model's chat template when the GGUF has one, else the plain transcript. */
  promptMode?: 'auto' | 'completion' | 'chat';
}

export const DOWNLOAD_HINT =
  'or let the start script download the default chat model (`pnpm start`, network needed; `node dist/apps/ai-router/src/model-download.js` does it alone)';

/** A GGUF model run in-process by node-llama-cpp: works offline, with no key and no other server. */
export class LocalLlamaProvider implements ChatProvider {
  readonly name = 'local' as const;
  readonly timeoutMs: number;
  private engine?: LlamaEngine;
  private enginePath?: string;

  constructor(private readonly opts: LocalProviderOptions) {
    this.timeoutMs = opts.timeoutMs;
  }

  unavailable(): string | null {
    const { path, problem } = this.modelFile();
    return path
      ? null
      : `not configured: ${problem ? `${problem}; ` : ''}set LOCAL_MODEL_PATH to a .gguf file, put one in models/, ${DOWNLOAD_HINT}`;
  }

  modelFor(_req: ProviderRequest): string {
    const { path } = this.modelFile();
    return path ? basename(path).replace(/\.gguf$/i, '') : 'none';
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
  async embed(texts: string[], signal: AbortSignal): Promise<{ vectors: number[][]; promptTokens: number; model: string }> {
    try {
      return await this.getEngine().embed(texts, signal);
    } catch (err) {
      throw err instanceof ModelLoadError ? new ProviderError(this.name, 'unavailable', err.message) : err;
    }
  }

  async dispose(): Promise<void> {
    await this.engine?.dispose();
  }

  private modelFile() {
    return resolveModelFile(this.opts.modelPath, this.opts.modelsDir);
  }

  private getEngine(): LlamaEngine {
    const { path, problem } = this.modelFile();
    if (!path) throw new ProviderError(this.name, 'unavailable', `not configured: ${problem}`);
    if (!this.engine || this.enginePath !== path) {
      void this.engine?.dispose();
      this.engine = new LlamaEngine({ modelPath: path, contextSize: this.opts.contextSize, threads: this.opts.threads });
      this.enginePath = path;
    }
    return this.engine;
  }

  private async run(req: ProviderRequest, signal: AbortSignal, onText?: (text: string) => void): Promise<ProviderResult> {
    try {
      return await this.getEngine().withSequence(signal, (seq, loaded) => this.generateOn(seq, loaded, req, signal, onText));
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

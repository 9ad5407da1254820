import { basename } from 'node:path';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { getLogger } from '@nitro/observability';
import { importEsm } from './esm-import.util';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

export interface EngineOptions {
  modelPath: string;
  contextSize: number;
  threads: number;
}

export interface LoadedModel {
  lib: NodeLlamaCpp;
  model: LlamaModel;
  context: LlamaContext;
  /** File name without .gguf: what ai_model reports. */
  name: string;
  contextSize: number;
  /** The GGUF carries a chat template: use it instead of our plain transcript. */
  hasChatTemplate: boolean;
}

/**
 * One llama.cpp backend per process, shared by every model (each engine owns only its model and
 * contexts): a backend per model would load the binary and its thread pool again for each.
 */
let sharedLlama: Promise<Llama> | undefined;

function llamaBackend(lib: NodeLlamaCpp, threads: number): Promise<Llama> {
  const log = getLogger();
  // Prebuilt CPU binary only (never compile at run time); few threads, or idle workers spin on small machines.
  sharedLlama ??= lib
    .getLlama({
      gpu: false,
      build: 'never',
      maxThreads: threads,
      logLevel: lib.LlamaLogLevel.warn,
      logger: (level, message) => log.debug({ llamaLevel: level }, message.trim()),
    })
    .catch((err) => {
      sharedLlama = undefined;
      throw err;
    });
  return sharedLlama;
}

/** Releases the shared backend at shutdown (after every engine is disposed). */
export async function disposeLlamaBackend(): Promise<void> {
  const llama = sharedLlama;
  sharedLlama = undefined;
  await llama?.then((l) => l.dispose()).catch(() => undefined);
}

/** The model file could not be loaded (corrupt, wrong format, out of memory). */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/**
 * One model and one context sequence, loaded once on first use. Requests take the sequence in
 * FIFO order: llama.cpp on a CPU runs one generation at a time well, and a queue keeps a real
 * model's memory at one context instead of one per request. Waiting counts against the caller's
 * timeout (its signal), so a long queue turns into a fallback, not a pile-up.
 */
export class LlamaEngine {
  private loading?: Promise<LoadedModel>;
  private sequence?: LlamaContextSequence;
  private busy = false;
  private loaded = false;
  /** Date.now() of the last acquire or release: the idle clock of LocalLlamaProvider's unloading. */
  lastUsed = Date.now();
  private embedding?: LlamaEmbeddingContext;
  private readonly waiters: { resolve: () => void; reject: (e: unknown) => void; signal: AbortSignal }[] = [];

  constructor(private readonly opts: EngineOptions) {}

  /** Concurrent first uses share this one load: a file is never loaded twice by one engine. */
  load(): Promise<LoadedModel> {
    this.loading ??= this.doLoad().catch((err) => {
      this.loading = undefined; // let a later request try again (e.g. after the file was replaced)
      throw new ModelLoadError(`cannot load ${this.opts.modelPath}: ${(err as Error).message}`);
    });
    return this.loading;
  }

  /** Runs `fn` with exclusive use of the sequence. */
  async withSequence<T>(signal: AbortSignal, fn: (seq: LlamaContextSequence, loaded: LoadedModel) => Promise<T>): Promise<T> {
    this.lastUsed = Date.now();
    const loaded = await abortable(this.load(), signal);
    await this.acquire(signal);
    try {
      return await fn(this.sequence as LlamaContextSequence, loaded);
    } finally {
      this.release();
    }
  }

  /**
   * One vector per text, in the model's embedding context (created on first use, beside the chat
   * context). Runs under the same FIFO as generation: llama.cpp on a CPU does one thing at a time well.
   */
  async embed(texts: string[], signal: AbortSignal): Promise<{ vectors: number[][]; promptTokens: number; model: string }> {
    this.lastUsed = Date.now();
    const loaded = await abortable(this.load(), signal);
    await this.acquire(signal);
    try {
      this.embedding ??= await loaded.model.createEmbeddingContext({ contextSize: loaded.contextSize, threads: this.opts.threads });
      const vectors: number[][] = [];
      let promptTokens = 0;
      for (const text of texts) {
        if (signal.aborted) throw signal.reason;
        promptTokens += loaded.model.tokenize(text).length;
        vectors.push([...(await this.embedding.getEmbeddingFor(text)).vector]);
      }
      return { vectors, promptTokens, model: loaded.name };
    } finally {
      this.release();
    }
  }

  get queued(): number {
    return this.waiters.length;
  }

  /** The model is in memory (its load finished). */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** A generation or embedding runs on it, or waits for it. */
  get isBusy(): boolean {
    return this.busy || this.waiters.length > 0;
  }

  /** Frees the model and its contexts (the shared backend stays); a later use loads it again. */
  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    this.loaded = false;
    this.sequence = undefined;
    this.embedding = undefined;
    await loading?.then((l) => l.model.dispose()).catch(() => undefined);
  }

  private async doLoad(): Promise<LoadedModel> {
    const started = Date.now();
    const lib = await importEsm<NodeLlamaCpp>('node-llama-cpp');
    const log = getLogger();
    const llama = await llamaBackend(lib, this.opts.threads);
    const model = await llama.loadModel({ modelPath: this.opts.modelPath });
    const context = await model.createContext({
      contextSize: Math.min(this.opts.contextSize, model.trainContextSize),
      sequences: 1,
      threads: this.opts.threads,
    });
    this.sequence = context.getSequence();
    const hasChatTemplate = !!(model.fileInfo.metadata as { tokenizer?: { chat_template?: string } })?.tokenizer?.chat_template;
    const name = basename(this.opts.modelPath).replace(/\.gguf$/i, '');
    this.loaded = true;
    log.info({ model: name, contextSize: context.contextSize, hasChatTemplate, ms: Date.now() - started }, 'local model loaded');
    return { lib, model, context, name, contextSize: context.contextSize, hasChatTemplate };
  }

  private acquire(signal: AbortSignal): Promise<void> {
    this.lastUsed = Date.now();
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject, signal };
      this.waiters.push(waiter);
      signal.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  private release(): void {
    this.lastUsed = Date.now();
    // Hand over directly so a newcomer cannot overtake the queue.
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.busy = false;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

import { ChatResponse, Message, Ollama, Options } from 'ollama';
import { ChatProvider, ProviderChunk, ProviderRequest, ProviderResult } from './chat-provider.interface';
import { outboundFetchFunction } from '@nitro/service-kit';
import { kindForStatus, ProviderError } from './provider-error';

/** A whole answer (NDJSON lines of a long stream included) stays far below this; more is a runaway server. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export interface OllamaProviderOptions {
  host: string;
  model: string;
  timeoutMs: number;
}

/** Ollama through its official client. Always "configured": whether anything listens is learnt by trying. */
export class OllamaProvider implements ChatProvider {
  readonly name = 'ollama' as const;
  readonly timeoutMs: number;

  constructor(private readonly opts: OllamaProviderOptions) {
    this.timeoutMs = opts.timeoutMs;
  }

  unavailable(): string | null {
    return null;
  }

  modelFor(req: ProviderRequest): string {
    return req.model ?? this.opts.model;
  }

  async generate(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResult> {
    try {
      const res = await this.client(signal).chat({ model: this.modelFor(req), messages: toMessages(req), options: toOptions(req), stream: false });
      return { text: res.message?.content ?? '', model: res.model, usage: usageOf(res), finishReason: finishOf(res) };
    } catch (err) {
      throw this.mapError(err);
    }
  }

  async *stream(req: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    let parts: AsyncIterable<ChatResponse>;
    try {
      parts = await this.client(signal).chat({ model: this.modelFor(req), messages: toMessages(req), options: toOptions(req), stream: true });
    } catch (err) {
      throw this.mapError(err);
    }
    try {
      for await (const part of parts) {
        if (part.message?.content) yield { text: part.message.content };
        if (part.done) {
          yield { done: true, model: part.model, usage: usageOf(part), finishReason: finishOf(part) };
          return;
        }
      }
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /**
   * A client per call (construction is cheap): the official client has no per-request signal for
   * non-streamed calls, but it takes a `fetch`, so service-kit's outbound fetch carries the attempt's
   * signal (timeout and caller cancel; the attempt times the stream, so no extra deadline past the
   * headers). The client's own stream AbortController is ignored: nothing of ours calls abort() on it.
   */
  private client(signal: AbortSignal): Ollama {
    return new Ollama({ host: this.opts.host, fetch: outboundFetchFunction({ signal, timeoutMs: this.timeoutMs, maxBytes: MAX_ANSWER_BYTES }) });
  }

  /** The client throws ResponseError{status_code, error} for HTTP errors (body `{"error": "..."}`). */
  private mapError(err: unknown): unknown {
    const e = err as { name?: string; status_code?: number; error?: string; message?: string };
    if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
      return new ProviderError(this.name, kindForStatus(e.status_code), `HTTP ${e.status_code}: ${e.error ?? e.message}`, e.status_code);
    }
    if (/Did not receive done/i.test(e?.message ?? '')) return new ProviderError(this.name, 'broken_stream', 'stream ended without its final "done" line');
    return err; // network errors and aborts are classified by the router
  }
}

function toMessages(req: ProviderRequest): Message[] {
  const system: Message[] = req.system ? [{ role: 'system', content: req.system }] : [];
  return [...system, ...req.messages.map((m) => ({ role: m.role, content: m.content }))];
}

function toOptions(req: ProviderRequest): Partial<Options> {
  const o: Partial<Options> = {};
  if (req.temperature !== undefined) o.temperature = req.temperature;
  if (req.maxTokens !== undefined) o.num_predict = req.maxTokens;
  return o;
}

function usageOf(res: ChatResponse) {
  return { prompt_tokens: res.prompt_eval_count, completion_tokens: res.eval_count };
}

function finishOf(res: ChatResponse): string {
  return (res.done_reason || 'stop').toLowerCase();
}

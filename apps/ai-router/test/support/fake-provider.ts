import type { ProviderName } from '@nitro/contracts';
import type { ChatProvider, ProviderChunk, ProviderRequest, ProviderResult } from '../../src/providers/chat-provider.interface';

/** What a FakeProvider does on one call. */
export interface FakeScript {
  /** Thrown before any chunk. */
  fail?: Error;
  chunks?: string[];
  /** Throw `breakWith` after this many chunks (a stream that breaks midway). */
  breakAfter?: number;
  breakWith?: Error;
  /** Wait this long before answering (honours the abort signal). */
  delayMs?: number;
}

/** A scripted ChatProvider for router and service specs: records calls, obeys the signal like a real one. */
export class FakeProvider implements ChatProvider {
  calls = 0;
  requests: ProviderRequest[] = [];
  configured = true;
  readonly timeoutMs: number;

  constructor(
    readonly name: ProviderName,
    public script: FakeScript | ((call: number) => FakeScript) = { chunks: ['ok'] },
    timeoutMs = 1000,
  ) {
    this.timeoutMs = timeoutMs;
  }

  unavailable(): string | null {
    return this.configured ? null : `not configured: configure ${this.name}`;
  }
  /** Whether its models read images; the models asked about, in order. */
  vision = false;
  visionAsked: string[] = [];
  async supportsImages(model: string): Promise<boolean> {
    this.visionAsked.push(model);
    return this.vision;
  }
  modelFor(req: ProviderRequest): string {
    return req.model ?? `${this.name}-model`;
  }

  async generate(req: ProviderRequest, signal: AbortSignal): Promise<ProviderResult> {
    const s = this.next(req);
    await wait(s.delayMs ?? 0, signal);
    if (s.fail) throw s.fail;
    const chunks = s.chunks ?? [];
    return {
      text: chunks.join(''),
      model: this.modelFor(req),
      usage: { prompt_tokens: 3, completion_tokens: chunks.length },
      finishReason: 'stop',
    };
  }

  async *stream(req: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    const s = this.next(req);
    await wait(s.delayMs ?? 0, signal);
    if (s.fail) throw s.fail;
    const chunks = s.chunks ?? [];
    for (let i = 0; i < chunks.length; i++) {
      if (s.breakAfter === i) throw s.breakWith ?? new Error('socket closed');
      yield { text: chunks[i] };
      await wait(0, signal);
    }
    if (s.breakAfter !== undefined && s.breakAfter >= chunks.length) throw s.breakWith ?? new Error('socket closed');
    yield { done: true, model: this.modelFor(req), usage: { prompt_tokens: 3, completion_tokens: chunks.length }, finishReason: 'stop' };
  }

  private next(req: ProviderRequest): FakeScript {
    this.calls++;
    this.requests.push(req);
    return typeof this.script === 'function' ? this.script(this.calls) : this.script;
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

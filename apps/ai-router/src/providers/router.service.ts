import { Injectable } from '@nestjs/common';
import { ERROR_CODE, ERROR_CODES, ProviderName, type ProviderAttemptDto } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { ServiceError } from '@nitro/service-kit';
import { AttemptSignal } from './attempt-signal.util';
import { ChatProvider, ProviderChunk, ProviderRequest, ProviderResult, ProviderToolCall, ProviderUsage } from './chat-provider.interface';
import { ContextTooLongError, networkFailure, ProviderError } from './provider-error';
import { providerMetrics } from './provider.metrics';
import { ProviderRegistry } from './provider-registry';

export interface RouteOptions {
  /** Use only this provider (no fallback). */
  provider?: ProviderName;
  /** The caller went away: stop the attempt, do not fall back. */
  signal?: AbortSignal;
}

/** A provider skipped or failed before the one that answered: the wire's ProviderAttemptDto. */
export type Fallback = ProviderAttemptDto;

export interface Routed {
  provider: ProviderName;
  model: string;
  fallbacks: Fallback[];
  result: ProviderResult;
}

export type RouterEvent =
  | { type: 'meta'; provider: ProviderName; model: string; fallbacks: Fallback[] }
  | { type: 'token'; text: string }
  | { type: 'done'; provider: ProviderName; model: string; usage: ProviderUsage; finishReason: string; toolCalls?: ProviderToolCall[] };

/** Whether the request carries images, and whether a provider whose model reads them was admitted. */
interface ImageRouting {
  needed: boolean;
  readable: boolean;
}

/** For supportsImages when the caller gave no signal (the lookups bound themselves). */
const NEVER = new AbortController().signal;

const hasImages = (req: ProviderRequest) => req.messages.some((m) => !!m.images?.length);

/** A stream that broke after tokens went out: no fallback is possible, the answer is incomplete. */
export class IncompleteStreamError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly model: string,
    readonly failure: ProviderError,
  ) {
    super(`${provider} stopped mid-answer (${failure.kind}: ${failure.message}); the answer is incomplete`);
    this.name = 'IncompleteStreamError';
  }
}

/**
 * Local-first routing (docs/adr/0002-chat-provider-routing.md): providers in AI_PROVIDERS order,
 * skipping unconfigured ones and open circuits; any failure before the first token moves on to
 * the next provider; after the first token there is no way back, so a break is reported as such.
 */
@Injectable()
export class RouterService {
  constructor(private readonly registry: ProviderRegistry) {}

  async generate(req: ProviderRequest, opts: RouteOptions = {}): Promise<Routed> {
    const fallbacks: Fallback[] = [];
    const images = { needed: hasImages(req), readable: false };
    let tooLong: ContextTooLongError | undefined;
    for (const provider of this.candidates(opts.provider)) {
      if (!(await this.admit(provider, req, fallbacks, !!opts.provider, images, opts.signal))) continue;
      const attempt = new AttemptSignal(provider.timeoutMs, opts.signal);
      const started = performance.now();
      try {
        const result = await provider.generate(req, attempt.signal);
        this.succeeded(provider, 'generate', started, result.usage, result.model);
        return { provider: provider.name, model: result.model, fallbacks, result };
      } catch (err) {
        const failure = this.failed(provider, 'generate', started, err, attempt);
        if (failure.kind === 'aborted') throw failure;
        if (failure instanceof ContextTooLongError) tooLong ??= failure;
        fallbacks.push({ provider: provider.name, reason: `${failure.kind}: ${failure.message}` });
      } finally {
        attempt.dispose();
      }
    }
    throw this.noProvider(fallbacks, opts.provider, tooLong, images);
  }

  /** Yields meta (at the first token), tokens, then done; throws ServiceError(503) or IncompleteStreamError. */
  async *stream(req: ProviderRequest, opts: RouteOptions = {}): AsyncGenerator<RouterEvent> {
    const fallbacks: Fallback[] = [];
    const images = { needed: hasImages(req), readable: false };
    let tooLong: ContextTooLongError | undefined;
    for (const provider of this.candidates(opts.provider)) {
      if (!(await this.admit(provider, req, fallbacks, !!opts.provider, images, opts.signal))) continue;
      const attempt = new AttemptSignal(provider.timeoutMs, opts.signal);
      const started = performance.now();
      const model = provider.modelFor(req);
      const meta: RouterEvent = { type: 'meta', provider: provider.name, model, fallbacks };
      let sentTokens = false;
      let finished = false;
      let iterator: AsyncIterator<ProviderChunk> | undefined;
      try {
        iterator = provider.stream(req, attempt.signal)[Symbol.asyncIterator]();
        for (;;) {
          const step = await iterator.next();
          attempt.touch();
          if (step.done) throw new ProviderError(provider.name, 'broken_stream', 'stream ended without its final message');
          const chunk = step.value;
          if ('done' in chunk) {
            finished = true;
            this.succeeded(provider, 'stream', started, chunk.usage, chunk.model);
            if (!sentTokens) yield meta; // an empty answer is still an answer
            yield {
              type: 'done',
              provider: provider.name,
              model: chunk.model,
              usage: chunk.usage,
              finishReason: chunk.finishReason,
              ...(chunk.toolCalls?.length ? { toolCalls: chunk.toolCalls } : {}),
            };
            return;
          }
          if (!chunk.text) continue;
          if (!sentTokens) {
            sentTokens = true;
            providerMetrics.firstToken().observe({ provider: provider.name }, (performance.now() - started) / 1000);
            yield meta;
          }
          yield { type: 'token', text: chunk.text };
        }
      } catch (err) {
        const failure = this.failed(provider, 'stream', started, err, attempt, sentTokens);
        if (failure.kind === 'aborted') throw failure;
        if (sentTokens) throw new IncompleteStreamError(provider.name, model, failure);
        if (failure instanceof ContextTooLongError) tooLong ??= failure;
        fallbacks.push({ provider: provider.name, reason: `${failure.kind}: ${failure.message}` });
      } finally {
        // Reached without `finished` when the consumer stopped reading: cancel the vendor call too.
        attempt.dispose(!finished);
        if (!finished) void iterator?.return?.()?.catch(() => undefined);
      }
    }
    throw this.noProvider(fallbacks, opts.provider, tooLong, images);
  }

  private candidates(forced?: ProviderName): ChatProvider[] {
    if (!forced) return this.registry.ordered();
    const p = this.registry.get(forced);
    if (!p) throw new ServiceError(400, ERROR_CODES.validation, `options.provider "${forced}" is not a known provider`);
    return [p];
  }

  /**
   * Skips (with a recorded reason) a provider that is not configured, whose model cannot read the request's images
   * (asked only when there are images; `images.readable` notes that one could), or whose circuit is open.
   */
  private async admit(
    provider: ChatProvider,
    req: ProviderRequest,
    fallbacks: Fallback[],
    forced: boolean,
    images: ImageRouting,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const unavailable = provider.unavailable();
    if (unavailable) {
      fallbacks.push({ provider: provider.name, reason: unavailable });
      providerMetrics.fallbacks().inc({ provider: provider.name, reason: 'not_configured' });
      return false;
    }
    if (images.needed) {
      const model = provider.modelFor(req);
      const reads = await (provider.supportsImages?.(model, signal ?? NEVER) ?? Promise.resolve(false)).catch(() => false);
      if (!reads) {
        fallbacks.push({ provider: provider.name, reason: `images: the model "${model}" does not read images` });
        providerMetrics.fallbacks().inc({ provider: provider.name, reason: 'no_vision' });
        return false;
      }
      images.readable = true;
    }
    const breaker = this.registry.breaker(provider.name);
    // An explicit options.provider is tried even when its circuit is open: the caller asked for it.
    if (forced || breaker.tryAcquire()) return true;
    const { failures, retryInMs } = breaker.snapshot();
    fallbacks.push({
      provider: provider.name,
      reason: `circuit open after ${failures} consecutive failures; next probe in ${Math.ceil((retryInMs ?? 0) / 1000)} s`,
    });
    providerMetrics.fallbacks().inc({ provider: provider.name, reason: 'circuit_open' });
    return false;
  }

  private succeeded(provider: ChatProvider, mode: string, started: number, usage: ProviderUsage, model: string): void {
    this.registry.breaker(provider.name).onSuccess();
    providerMetrics.latency().observe({ provider: provider.name, mode, outcome: 'ok' }, (performance.now() - started) / 1000);
    if (usage.prompt_tokens) providerMetrics.tokens().inc({ provider: provider.name, kind: 'prompt', model }, usage.prompt_tokens);
    if (usage.completion_tokens)
      providerMetrics.tokens().inc({ provider: provider.name, kind: 'completion', model }, usage.completion_tokens);
  }

  private failed(
    provider: ChatProvider,
    mode: string,
    started: number,
    err: unknown,
    attempt: AttemptSignal,
    afterTokens = false,
  ): ProviderError {
    const failure = this.classify(provider, err, attempt);
    const breaker = this.registry.breaker(provider.name);
    if (failure.countsForCircuit) breaker.onFailure();
    else breaker.onNeutral();
    const outcome = failure.kind === 'aborted' ? 'aborted' : afterTokens ? 'incomplete' : 'error';
    providerMetrics.latency().observe({ provider: provider.name, mode, outcome }, (performance.now() - started) / 1000);
    if (failure.kind !== 'aborted' && !afterTokens) providerMetrics.fallbacks().inc({ provider: provider.name, reason: failure.kind });
    const log = getLogger();
    (failure.kind === 'aborted' ? log.info.bind(log) : log.warn.bind(log))(
      { provider: provider.name, kind: failure.kind, status: failure.status, afterTokens },
      `${provider.name} failed: ${failure.message}`,
    );
    return failure;
  }

  private classify(provider: ChatProvider, err: unknown, attempt: AttemptSignal): ProviderError {
    // The signal knows best: adapters surface aborts as assorted AbortErrors.
    if (attempt.timedOut) return new ProviderError(provider.name, 'timeout', `no answer within ${provider.timeoutMs} ms`);
    if (attempt.callerAborted) return new ProviderError(provider.name, 'aborted', 'the request was cancelled');
    if (err instanceof ProviderError) return err;
    const net = networkFailure(err);
    if (net) return new ProviderError(provider.name, net.kind, net.detail);
    return new ProviderError(provider.name, 'unknown', (err as Error)?.message ?? String(err));
  }

  private noProvider(fallbacks: Fallback[], forced?: ProviderName, tooLong?: ContextTooLongError, images?: ImageRouting): ServiceError {
    // Images and no provider whose model reads them (not merely a failing one): the person's to change, 400.
    if (images?.needed && !images.readable) {
      const which = forced ? `The model chosen (${forced}) cannot read images` : "None of this server's chat models can read images";
      return new ServiceError(400, ERROR_CODE.IMAGES_NOT_SUPPORTED, `${which}. Describe it in words, or attach text or a PDF.`, {
        tried: fallbacks,
        configure: ['an Ollama model whose /api/show lists "vision" (e.g. llava, gemma3) in OLLAMA_MODEL', 'GEMINI_API_KEY'],
      });
    }
    // A prompt too long for the providers that could have served it is the caller's to fix: 400, not 503.
    if (tooLong) {
      return new ServiceError(400, 'CONTEXT_TOO_LONG', `${tooLong.provider}: ${tooLong.message}`, {
        over_by: tooLong.overBy,
        context_size: tooLong.contextSize,
        tried: fallbacks,
      });
    }
    const tried = fallbacks.length
      ? fallbacks.map((f) => `${f.provider} (${f.reason})`).join('; ')
      : 'none (AI_PROVIDERS names no provider)';
    const message =
      `No chat provider could answer${forced ? ` (options.provider is "${forced}")` : ''}. Tried: ${tried}. ` +
      'Configure at least one: a running Ollama at OLLAMA_HOST, a Gemini key in GEMINI_API_KEY, or a GGUF model file in LOCAL_MODEL_PATH (or under models/).';
    return new ServiceError(503, ERROR_CODES.noProvider, message, {
      tried: fallbacks,
      configure: ['OLLAMA_HOST', 'GEMINI_API_KEY', 'LOCAL_MODEL_PATH'],
    });
  }
}

import { getLogger } from '@nitro/observability';

/** What a vendor says about a model's context, in tokens. */
export interface ModelContext {
  /** Tokens the prompt and the answer's room must fit in (for Gemini: its inputTokenLimit). */
  contextSize: number;
  /** The most the model writes in one answer when that is a separate limit (Gemini's outputTokenLimit): max_tokens is capped to it. */
  maxOutputTokens?: number;
  /** Where the number came from, for the 400's message ("num_ctx of the model", "inputTokenLimit", …). */
  source: string;
}

/**
 * Asks the vendor once; resolves null when it does not say (then nothing is budgeted), rejects on any failure.
 * `T` is what is learnt: the context (the default), or more from the same call (Ollama's /api/show: context and
 * capabilities, OllamaModelFacts).
 */
export type ModelContextLookup<T = ModelContext> = (model: string, signal: AbortSignal) => Promise<T | null>;

/** How long a known context is trusted (an Ollama model can be re-created under its name with another num_ctx). */
const KNOWN_TTL_MS = 10 * 60_000;
/** How long "the vendor did not say / could not be asked" is remembered, so a failing lookup costs one try a minute. */
const UNKNOWN_TTL_MS = 60_000;
/** Each lookup's own deadline; the attempt's signal may end it sooner. */
export const CONTEXT_LOOKUP_TIMEOUT_MS = 3_000;

/**
 * One lookup per model, shared by concurrent requests and cached (KNOWN_TTL_MS, or UNKNOWN_TTL_MS when the
 * vendor did not answer). Never throws: a failed or timed-out lookup is an unknown context, which means no
 * budgeting for that request (the vendor still refuses what cannot fit), never an error for the caller.
 * A lookup cut short by the caller's own cancellation is not remembered.
 */
export class ModelContextCache<T = ModelContext> {
  private readonly entries = new Map<string, { until: number; value: Promise<T | null> }>();

  constructor(
    private readonly provider: string,
    private readonly lookup: ModelContextLookup<T>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(model: string, signal: AbortSignal): Promise<T | null> {
    const hit = this.entries.get(model);
    if (hit && hit.until > this.now()) return hit.value;
    const value = this.lookup(model, signal).then(
      (ctx) => {
        this.remember(model, value, ctx ? KNOWN_TTL_MS : UNKNOWN_TTL_MS);
        return ctx;
      },
      (err: unknown) => {
        if (signal.aborted) this.entries.delete(model);
        else {
          this.remember(model, value, UNKNOWN_TTL_MS);
          getLogger().warn(
            { provider: this.provider, model, reason: (err as Error)?.message },
            'model context unknown: not budgeted (and, for Ollama, taken as not reading images)',
          );
        }
        return null;
      },
    );
    // Placeholder while in flight: concurrent requests share the one lookup.
    this.entries.set(model, { until: Number.POSITIVE_INFINITY, value });
    return value;
  }

  private remember(model: string, value: Promise<T | null>, ttlMs: number): void {
    if (this.entries.get(model)?.value === value) this.entries.set(model, { until: this.now() + ttlMs, value });
  }
}

import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AiRouterEnv } from '@nitro/config';
import {
  ERROR_CODE,
  type ModelCapability,
  type ModelInfoDto,
  type ModelListDto,
  type ModelProviderStatusDto,
  type ProviderName,
} from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { ServiceError } from '@nitro/service-kit';
import { ProviderRegistry } from '../providers/provider-registry';
import { MODEL_SOURCES, type ModelSource } from './model-sources';
import { modelId, parseModelId } from './model-id.util';

/** What a request is routed to: one provider and its model name, or the routing order (undefined). */
export interface ModelTarget {
  provider: ProviderName;
  model: string;
  entry: ModelInfoDto;
}

/** The request field a model id came in: OpenAI's `model` (/v1) or native chat's `options.model`. */
export type ModelParam = 'model' | 'options.model';

/** Where each API lists the ids that exist (named in a 404). */
const LIST_ROUTE: Record<ModelParam, string> = { model: 'GET /v1/models', 'options.model': 'GET /models' };

/** How an error about a model id begins: /v1 keeps OpenAI's wording; native errors start with the field's name. */
function lead(param: ModelParam, id: string): string {
  return param === 'model' ? `The model \`${id}\`` : `${param}: the model \`${id}\``;
}

/** An unknown id triggers a refresh first, at most this often (a typo must not hammer Ollama). */
const ON_DEMAND_MIN_GAP_MS = 2_000;

/**
 * One list of chat models across providers (ids `<provider>/<model>`), in routing order. Refreshed
 * every MODELS_REFRESH_MS and on demand; a provider that cannot be asked, is not configured or has
 * an open circuit shows its models as unavailable with the reason. Requests resolve ids here.
 */
@Injectable()
export class ModelRegistry implements OnModuleInit, OnApplicationShutdown {
  private models: ModelInfoDto[] = [];
  private providers: ModelProviderStatusDto[] = [];
  private refreshedAt = 0;
  private inflight?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private readonly stop = new AbortController();

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly env: AiRouterEnv,
    @Inject(MODEL_SOURCES) private readonly sources: ModelSource[],
  ) {}

  onModuleInit(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.env.MODELS_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.stop.abort();
  }

  async list(refresh = false): Promise<ModelListDto> {
    if (refresh || !this.refreshedAt) await this.refresh();
    return {
      models: this.models.map((m) => this.withCircuit(m)),
      providers: this.providers,
      refreshed_at: new Date(this.refreshedAt || Date.now()).toISOString(),
    };
  }

  /**
   * A registry id to its provider and model. 404 MODEL_NOT_FOUND (listing the ids that exist) when
   * unknown, also when its provider part is not one of ours (`nope/nope`); 503 MODEL_UNAVAILABLE
   * (naming the reason) when its provider cannot serve it now; 400 when it lacks `need`. Every one
   * names the request field in `details.param` (`model` for /v1, `options.model` for native chat).
   */
  async resolve(id: string, need: ModelCapability = 'chat', param: ModelParam = 'model'): Promise<ModelTarget> {
    const parsed = parseModelId(id);
    let entry = this.find(id);
    // Never listed yet: refresh whatever the id, so that a 404 lists the ids that exist (not "none").
    if (!entry && (parsed || !this.refreshedAt) && Date.now() - this.refreshedAt > ON_DEMAND_MIN_GAP_MS) {
      await this.refresh();
      entry = this.find(id);
    }
    if (!entry) {
      const down = parsed && this.providers.find((p) => p.provider === parsed.provider && !p.available);
      if (down)
        throw new ServiceError(
          503,
          ERROR_CODE.MODEL_UNAVAILABLE,
          `${lead(param, id)} cannot be served: ${parsed.provider} is unavailable (${down.reason}).`,
          { param, model: id, reason: down.reason },
        );
      throw new ServiceError(
        404,
        ERROR_CODE.MODEL_NOT_FOUND,
        `${lead(param, id)} does not exist. Models: ${this.idsFor(need).join(', ') || 'none'} (${LIST_ROUTE[param]}).`,
        { param, model: id, models: this.idsFor(need) },
      );
    }
    if (!entry.capabilities.includes(need)) {
      throw new ServiceError(
        400,
        ERROR_CODE.VALIDATION_FAILED,
        `${lead(param, id)} does not support ${need}. Models that do: ${this.idsFor(need).join(', ') || 'none'}.`,
        { param },
      );
    }
    const current = this.withCircuit(entry);
    if (!current.available)
      throw new ServiceError(503, ERROR_CODE.MODEL_UNAVAILABLE, `${lead(param, id)} is unavailable: ${current.reason}.`, {
        param,
        model: id,
        reason: current.reason,
      });
    return { provider: entry.provider, model: entry.model, entry: current };
  }

  /**
   * Native chat's options: an id with a `/` in `model` (without `provider`) is a registry id: it pins
   * that provider and model, and an id that is not in the registry (`local/nope`, or `nope/nope`
   * whose provider is not one of ours) is a 404 MODEL_NOT_FOUND naming `options.model` instead of a
   * 503 after every provider failed. A bare name (`phi3`), or any name with `provider`, keeps the old
   * meaning: that provider's own model name (docs/adr/0008-openai-compatible-api.md).
   */
  async routeFor(options: { provider?: ProviderName; model?: string } | undefined): Promise<{ provider?: ProviderName; model?: string }> {
    if (!options?.model || options.provider || !options.model.includes('/')) return { provider: options?.provider, model: options?.model };
    const target = await this.resolve(options.model, 'chat', 'options.model');
    return { provider: target.provider, model: target.model };
  }

  /** The first available model with `need`, in routing order (embeddings without a model). */
  async firstWith(need: ModelCapability): Promise<ModelTarget> {
    if (!this.refreshedAt) await this.refresh();
    const entry = this.models.map((m) => this.withCircuit(m)).find((m) => m.available && m.capabilities.includes(need));
    if (!entry) {
      const why = this.models.filter((m) => m.capabilities.includes(need)).map((m) => `${m.id} (${m.reason ?? 'unavailable'})`);
      throw new ServiceError(
        503,
        ERROR_CODE.MODEL_UNAVAILABLE,
        `No model for ${need} is available${why.length ? `: ${why.join('; ')}` : ''}.`,
      );
    }
    return { provider: entry.provider, model: entry.model, entry };
  }

  /** Asks every provider in AI_PROVIDERS for its models (concurrent callers share one refresh). */
  refresh(): Promise<void> {
    this.inflight ??= this.doRefresh().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async doRefresh(): Promise<void> {
    const order = this.registry.ordered().map((p) => p.name);
    const results = await Promise.all(
      order.map(async (name) => {
        const source = this.sources.find((s) => s.provider === name);
        const unconfigured = this.registry.get(name)?.unavailable();
        if (!source)
          return {
            status: { provider: name, available: !unconfigured, ...(unconfigured ? { reason: unconfigured } : {}) },
            models: [] as ModelInfoDto[],
          };
        try {
          const listed = await source.list(this.stop.signal);
          const models = listed.map((m): ModelInfoDto => {
            const reason = m.reason ?? unconfigured ?? undefined;
            return {
              id: modelId(name, m.model),
              provider: name,
              model: m.model,
              available: !reason,
              ...(reason ? { reason } : {}),
              ...(m.context_length ? { context_length: m.context_length } : {}),
              capabilities: m.capabilities,
            };
          });
          const reason = unconfigured ?? (models.length && models.every((m) => !m.available) ? models[0].reason : undefined);
          return { status: { provider: name, available: !reason, ...(reason ? { reason } : {}) }, models };
        } catch (err) {
          const reason = (err as Error).message;
          getLogger().info({ provider: name, reason }, `model list of ${name} unavailable`);
          return { status: { provider: name, available: false, reason }, models: this.fallbackEntries(name, reason) };
        }
      }),
    );
    this.models = results.flatMap((r) => r.models);
    this.providers = results.map((r) => r.status);
    this.refreshedAt = Date.now();
  }

  /** A provider that cannot be listed still shows its configured model, unavailable, with the reason. */
  private fallbackEntries(name: ProviderName, reason: string): ModelInfoDto[] {
    if (name !== 'ollama') return [];
    return [
      {
        id: modelId(name, this.env.OLLAMA_MODEL),
        provider: name,
        model: this.env.OLLAMA_MODEL,
        available: false,
        reason,
        capabilities: ['chat'],
      },
    ];
  }

  private find(id: string): ModelInfoDto | undefined {
    // The local file may be named with its extension, Ollama's default tag may be left out.
    const alt = id.replace(/\.gguf$/i, '');
    return this.models.find((m) => m.id === id || m.id === alt || m.id === `${id}:latest`);
  }

  private idsFor(need: ModelCapability): string[] {
    return this.models.filter((m) => m.capabilities.includes(need)).map((m) => m.id);
  }

  /** An open circuit makes a listed model unavailable until the next probe. */
  private withCircuit(m: ModelInfoDto): ModelInfoDto {
    if (!m.available) return m;
    const c = this.registry.breaker(m.provider).snapshot();
    if (c.state !== 'open') return m;
    return {
      ...m,
      available: false,
      reason: `circuit open after ${c.failures} consecutive failures; next probe in ${Math.ceil((c.retryInMs ?? 0) / 1000)} s`,
    };
  }
}

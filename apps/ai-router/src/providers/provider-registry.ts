import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AiRouterEnv } from '@nitro/config';
import type { ProviderName } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { CHAT_PROVIDERS, ChatProvider } from './chat-provider.interface';
import { CircuitBreaker, CircuitState } from './circuit-breaker';
import { CIRCUIT_GAUGE_VALUE, providerMetrics } from './provider.metrics';

/** What chat.providers reports for each provider. */
export interface ProviderInfo {
  name: ProviderName;
  in_order: boolean;
  configured: boolean;
  model: string;
  circuit: CircuitState;
  consecutive_failures: number;
  retry_in_ms?: number;
  setup?: string;
}

/** The configured providers, their order (AI_PROVIDERS) and one circuit breaker each. */
@Injectable()
export class ProviderRegistry implements OnApplicationShutdown {
  private readonly byName = new Map<string, ChatProvider>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly order: ProviderName[];

  constructor(@Inject(CHAT_PROVIDERS) providers: ChatProvider[], env: AiRouterEnv) {
    this.order = env.AI_PROVIDERS;
    for (const p of providers) {
      this.byName.set(p.name, p);
      const gauge = providerMetrics.circuit();
      gauge.set({ provider: p.name }, 0);
      this.breakers.set(
        p.name,
        new CircuitBreaker({
          failureThreshold: env.CIRCUIT_FAILURES,
          cooldownMs: env.CIRCUIT_COOLDOWN_MS,
          onStateChange: (state) => {
            gauge.set({ provider: p.name }, CIRCUIT_GAUGE_VALUE[state]);
            getLogger().warn({ provider: p.name, circuit: state }, `circuit for ${p.name} is now ${state}`);
          },
        }),
      );
    }
  }

  /** Providers in routing order (only those listed in AI_PROVIDERS). */
  ordered(): ChatProvider[] {
    return this.order.map((n) => this.byName.get(n)).filter((p): p is ChatProvider => !!p);
  }

  get(name: string): ChatProvider | undefined {
    return this.byName.get(name);
  }

  breaker(name: string): CircuitBreaker {
    const b = this.breakers.get(name);
    if (!b) throw new Error(`no circuit breaker for provider ${name}`);
    return b;
  }

  /** Every known provider: those in the routing order first. */
  describe(): ProviderInfo[] {
    const names = [...this.order, ...[...this.byName.keys()].filter((n) => !this.order.includes(n as ProviderName))] as ProviderName[];
    return names
      .filter((n) => this.byName.has(n))
      .map((name) => {
        const p = this.byName.get(name) as ChatProvider;
        const c = this.breaker(name).snapshot();
        const unavailable = p.unavailable();
        const configured = !unavailable;
        return {
          name,
          in_order: this.order.includes(name),
          configured,
          model: p.modelFor({ messages: [] }),
          circuit: c.state,
          consecutive_failures: c.failures,
          ...(c.retryInMs !== undefined ? { retry_in_ms: c.retryInMs } : {}),
          ...(unavailable ? { setup: unavailable.replace(/^not configured: /, '') } : {}),
        };
      });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.dispose?.().catch(() => undefined)));
  }
}

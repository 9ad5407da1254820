import { ServiceError } from '@nitro/service-kit';
import { ProviderError } from '../providers/provider-error';
import type { SearchQuery, WebHit, WebSearchProvider } from '../providers/web-search-provider.interface';
import { ProviderRateLimiter } from '../rate-limit/provider-rate-limiter';
import { ProviderChain } from './provider-chain';

const q: SearchQuery = { query: 'x', maxResults: 5, safeSearch: 'moderate' };
const hit: WebHit = { title: 't', url: 'https://a.example/', snippet: '', source: 'a.example' };

function provider(name: string, behaviour: () => Promise<WebHit[]>, missing?: string): WebSearchProvider & { calls: number } {
  const p = { name, calls: 0, unavailable: () => missing ?? null, search: async () => (p.calls++, behaviour()) };
  return p;
}
const limiter = () => new ProviderRateLimiter({ minIntervalMs: 0, burst: 1, maxWaitMs: 0, backoffMs: 60_000, backoffMaxMs: 60_000 });

describe('ProviderChain', () => {
  it('falls back in order and says why each provider was skipped', async () => {
    const a = provider('duckduckgo', async () => Promise.reject(new ProviderError('duckduckgo', 'timeout', 'no answer within 10 ms')));
    const b = provider('searxng', async () => [hit], 'set SEARXNG_URL');
    const c = provider('brave', async () => [hit]);
    const out = await new ProviderChain('web', [a, b, c], ['duckduckgo', 'searxng', 'brave'], limiter()).run(q);
    expect(out.provider).toBe('brave');
    expect(out.fallbacks).toEqual([
      { provider: 'duckduckgo', reason: 'timeout: no answer within 10 ms' },
      { provider: 'searxng', reason: 'not_configured: set SEARXNG_URL' },
    ]);
    expect(b.calls).toBe(0);
  });

  it('an empty answer is an answer, not a reason to fall back', async () => {
    const a = provider('duckduckgo', async () => []);
    const b = provider('brave', async () => [hit]);
    expect((await new ProviderChain('web', [a, b], ['duckduckgo', 'brave'], limiter()).run(q)).provider).toBe('duckduckgo');
    expect(b.calls).toBe(0);
  });

  it('a requested provider is the only one tried', async () => {
    const a = provider('duckduckgo', async () => [hit]);
    const b = provider('brave', async () => [hit], 'set BRAVE_API_KEY');
    const err = await new ProviderChain('web', [a, b], ['duckduckgo', 'brave'], limiter()).run(q, 'brave').catch((e) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err.status).toBe(503);
    expect(err.message).toBe('no web search provider could answer; tried: brave (not_configured: set BRAVE_API_KEY)');
    expect(a.calls).toBe(0);
  });

  it('after a 429 the provider is paused and skipped without being called', async () => {
    const a = provider('duckduckgo', async () => Promise.reject(new ProviderError('duckduckgo', 'rate_limited', 'HTTP 429 from x', 2_000)));
    const b = provider('brave', async () => [hit]);
    const chain = new ProviderChain('web', [a, b], ['duckduckgo', 'brave'], limiter());
    const first = await chain.run(q);
    expect(first.fallbacks[0].reason).toBe('rate_limited: HTTP 429 from x; pausing it for 2 s');
    const second = await chain.run(q);
    expect(second.fallbacks[0].reason).toMatch(/^backing_off: paused for another 2 s/);
    expect(a.calls).toBe(1);
  });

  it('503 lists every provider with its reason', async () => {
    const fail = (name: string) =>
      provider(name, async () => Promise.reject(new ProviderError(name, 'unreachable', '127.0.0.1:9: connection refused')));
    const err = await new ProviderChain('video', [fail('youtube'), fail('searxng')], ['youtube', 'searxng'], limiter())
      .run(q)
      .catch((e) => e);
    expect(err.status).toBe(503);
    expect(err.message).toBe(
      'no video search provider could answer; tried: youtube (unreachable: 127.0.0.1:9: connection refused); searxng (unreachable: 127.0.0.1:9: connection refused)',
    );
    expect(err.details.tried).toHaveLength(2);
  });
});

import { fixture } from '../../test/support/fake-providers';
import { parseDuckDuckGoHtml, targetUrl } from './duckduckgo-html.parser';
import { ProviderError } from './provider-error';

describe('parseDuckDuckGoHtml (page shape of html.duckduckgo.com/html)', () => {
  it('reads title, unwrapped URL, snippet, source and date; skips the ad', () => {
    const hits = parseDuckDuckGoHtml(fixture('duckduckgo-results.html'));
    expect(hits.map((h) => h.url)).toEqual([
      'https://redis.io/docs/latest/develop/data-types/streams/',
      'https://en.wikipedia.org/wiki/Redis',
      'https://www.example.org/blog/consumer-groups?ref=ddg',
      'https://github.com/redis/redis',
    ]);
    expect(hits[0]).toEqual({
      title: 'Redis Streams | Docs',
      url: 'https://redis.io/docs/latest/develop/data-types/streams/',
      snippet: 'A Redis stream is a data structure that acts like an append-only log. Use consumer groups to share the work.',
      source: 'redis.io',
      published_at: '2026-06-23T00:00:00.000Z',
    });
    expect(hits[1].snippet).toBe('Redis ("Remote Dictionary Server") is an in-memory key–value database & cache.');
    expect(hits[1].published_at).toBeNull();
    expect(hits[2]).toMatchObject({
      title: 'Understanding consumer groups in depth',
      source: 'example.org',
      published_at: '2025-01-15T10:30:00.000Z',
    });
    expect(hits[3].snippet).toBe('');
    expect(JSON.stringify(hits)).not.toMatch(/ads\.example|Sponsored/);
  });

  it('answers [] for the "No results" page', () => {
    expect(parseDuckDuckGoHtml(fixture('duckduckgo-no-results.html'))).toEqual([]);
  });

  it('refuses a redesigned page instead of returning garbage', () => {
    expect(() => parseDuckDuckGoHtml(fixture('duckduckgo-changed-layout.html'))).toThrow(/layout changed/);
    expect(() => parseDuckDuckGoHtml(fixture('duckduckgo-changed-inner.html'))).toThrow(/without a\.result__a title links/);
    expect(() => parseDuckDuckGoHtml('<html><body><h1>502 Bad Gateway</h1></body></html>')).toThrow(ProviderError);
  });

  it('reports the bot challenge page as rate limiting', () => {
    try {
      parseDuckDuckGoHtml(fixture('duckduckgo-challenge.html'));
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ProviderError);
      expect((e as ProviderError).kind).toBe('rate_limited');
    }
  });

  it('unwraps redirect links and refuses non-http targets', () => {
    expect(targetUrl('//duckduckgo.com/l/?uddg=https%3A%2F%2Fa.example%2Fx%3Fy%3D1&rut=abc')).toBe('https://a.example/x?y=1');
    expect(targetUrl('https://b.example/')).toBe('https://b.example/');
    expect(targetUrl('//duckduckgo.com/l/?uddg=javascript%3Aalert(1)')).toBeUndefined();
    expect(targetUrl(undefined)).toBeUndefined();
  });
});

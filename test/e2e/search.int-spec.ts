import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@nitro/testing';
import { fakeProviderEnv, startFakeProviders, type FakeProviders } from '../../apps/search/test/support/fake-providers';
import { metricValue } from '../../apps/search/test/support/prom-text';
import { Platform, readSse, startPlatform } from '../support/platform';

// Starting processes on a shared 2-core machine takes a while; the project's testTimeout does not reach hooks.
jest.setTimeout(120_000);

const json = (res: Response): Promise<any> => res.json();

/**
 * Search end to end: gateway and search as separate processes, a real Redis, every provider a
 * local server answering in its vendor's format. ai-router is not running here, so summaries
 * fail cleanly (summary_error) while results are still served; the summary itself is covered
 * by search-summary.int-spec.ts.
 */
describe('search end to end (gateway + search + local provider servers)', () => {
  let p: Platform;
  let fake: FakeProviders;
  let secret: Server;
  let secretHits = 0;
  let n = 0;
  const q = (label: string) => `${label} query ${++n}`;
  const search = (body: unknown, path = '/search') => p.request(path, { method: 'POST', json: body });
  const post = async (body: unknown, path = '/search'): Promise<any> => (await search(body, path)).json();
  const searchMetrics = async () =>
    (await fetch(`http://127.0.0.1:${(p.procs.get('search') as unknown as { port: number }).port}/metrics`)).text();

  beforeAll(async () => {
    fake = await startFakeProviders();
    secret = createServer((_req, res) => {
      secretHits++;
      res.end('internal');
    });
    await new Promise<void>((r) => secret.listen(0, '127.0.0.1', r));
    p = await startPlatform({
      services: ['search'],
      appEnv: {
        // The gateway's per-user limits are not under test here.
        gateway: { RATE_LIMIT_ENABLED: 'false' },
        search: {
          ...fakeProviderEnv(fake),
          PROVIDER_MIN_INTERVAL_MS: '0',
          SEARCH_TIMEOUT_MS: '2000',
          FETCH_MAX_PAGES: '5',
          SUMMARY_MAX_SOURCES: '5',
          SUMMARY_TIMEOUT_MS: '3000',
        },
      },
    });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await p?.stop();
    await fake?.close();
    secret?.closeAllConnections();
    await new Promise((r) => secret?.close(r));
  });

  it('answers with ranked results from the first provider, then from the cache (metrics show the hit)', async () => {
    const before = await searchMetrics();
    const body = { query: 'Redis   Streams consumer groups', user_id: p.userId, options: { summarize: false, max_results: 3 } };
    const res = await search(body);
    expect(res.status).toBe(200);
    const first = await json(res);
    expect(first).toMatchObject({ query: body.query, provider: 'duckduckgo', cached: false, fallbacks: [], summary: null });
    expect(first.results).toHaveLength(3);
    expect(first.results[0]).toEqual({
      position: 1,
      title: 'Redis Streams | Docs',
      url: 'https://redis.io/docs/latest/develop/data-types/streams/',
      snippet: expect.stringContaining('append-only log'),
      source: 'redis.io',
      published_at: '2026-06-23T00:00:00.000Z',
    });
    expect(first.results.map((r: { position: number }) => r.position)).toEqual([1, 2, 3]);

    const again = await post({ ...body, query: ' redis streams CONSUMER groups ' });
    expect(again.cached).toBe(true);
    expect(again.results).toEqual(first.results);
    expect(fake.count('duckduckgo')).toBe(1);
    const after = await searchMetrics();
    expect(
      metricValue(after, 'nitro_search_cache_hits_total', 'kind="web"') -
        metricValue(before, 'nitro_search_cache_hits_total', 'kind="web"'),
    ).toBe(1);
    expect(
      metricValue(after, 'nitro_search_cache_misses_total', 'kind="web"') -
        metricValue(before, 'nitro_search_cache_misses_total', 'kind="web"'),
    ).toBe(1);
  });

  it('uses only the provider asked for', async () => {
    const body = await post({ query: q('brave'), user_id: p.userId, options: { summarize: false, provider: 'brave', region: 'en-GB' } });
    expect(body.provider).toBe('brave');
    expect(body.results.map((r: { source: string }) => r.source)).toEqual(['redis.io', 'en.wikipedia.org']);
    expect(fake.count('duckduckgo')).toBe(0);
  });

  it('still returns results when the summary cannot be made, saying why', async () => {
    const res = await search({ query: q('summary'), user_id: p.userId });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.summary).toBeNull();
    expect(body.summary_error).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringMatching(/summary unavailable: .*ai-router/),
    });
  });

  it('never fetches internal addresses for a summary, even when results point there', async () => {
    const port = (secret.address() as AddressInfo).port;
    fake.duckduckgoHits = [
      { url: `http://127.0.0.1:${port}/admin`, title: 'Loopback', snippet: 's' },
      { url: `http://[::1]:${port}/`, title: 'IPv6 loopback', snippet: 's' },
      { url: `http://localhost:${port}/`, title: 'Name for loopback', snippet: 's' },
      { url: 'http://10.0.0.1/', title: 'Private', snippet: 's' },
      { url: 'http://169.254.169.254/latest/meta-data/', title: 'Metadata', snippet: 's' },
    ];
    const before = metricValue(await searchMetrics(), 'nitro_search_page_fetches_total', 'outcome="blocked"');
    const body = await post({ query: q('ssrf'), user_id: p.userId, options: { fetch_pages: true } });
    expect(body.results).toHaveLength(5);
    const blocked = metricValue(await searchMetrics(), 'nitro_search_page_fetches_total', 'outcome="blocked"') - before;
    expect(blocked).toBe(5);
    expect(secretHits).toBe(0);
  });

  it('streams results first, then done (with summary_error while ai-router is absent)', async () => {
    const res = await search({ query: q('stream'), user_id: p.userId }, '/search/stream');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    expect(events.map((e) => e.event)).toEqual(['results', 'done']);
    expect(events[0].data).toMatchObject({ type: 'results', provider: 'duckduckgo', cached: false });
    expect(events[0].data.results).toHaveLength(4);
    expect(events[1].data).toMatchObject({ type: 'done', summary: null, summary_error: { status: 503 } });
  });

  it('finds videos with duration, channel, thumbnail and embed URL', async () => {
    const res = await search({ query: q('video'), user_id: p.userId, options: { max_results: 5 } }, '/video/search');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.provider).toBe('youtube');
    expect(body.results[0]).toEqual({
      position: 1,
      title: "Redis Streams in 10 minutes & why you'd use them",
      url: 'https://www.youtube.com/watch?v=Z8qcpXyMAiA',
      snippet: 'An introduction to streams and consumer groups.',
      source: 'youtube.com',
      published_at: '2025-05-02T15:00:07.000Z',
      duration: '10:42',
      duration_s: 642,
      channel: 'Redis',
      thumbnail: 'https://i.ytimg.com/vi/Z8qcpXyMAiA/hqdefault.jpg',
      embed_url: 'https://www.youtube.com/embed/Z8qcpXyMAiA',
    });
    const ddg = await post({ query: q('video'), user_id: p.userId, options: { provider: 'duckduckgo' } }, '/video/search');
    expect(ddg).toMatchObject({
      provider: 'duckduckgo',
      results: [expect.objectContaining({ duration: '10:42', channel: 'Redis' }), expect.objectContaining({ duration: '1:02:03' })],
    });
  });

  it.each([
    ['missing query', { user_id: 'u1' }, /query/],
    ['empty query', { query: '', user_id: 'u1' }, /query must not be empty/],
    ['blank query', { query: '   ', user_id: 'u1' }, /query must contain visible text/],
    ['query over 500 characters', { query: 'x'.repeat(501), user_id: 'u1' }, /query must be at most 500 characters/],
    ['query not a string', { query: 42, user_id: 'u1' }, /query/],
    ['max_results 0', { query: 'a', user_id: 'u1', options: { max_results: 0 } }, /options\.max_results must not be less than 1/],
    ['max_results 51', { query: 'a', user_id: 'u1', options: { max_results: 51 } }, /options\.max_results must not be greater than 50/],
    ['max_results a string', { query: 'a', user_id: 'u1', options: { max_results: 'ten' } }, /options\.max_results/],
    ['safe_search unknown', { query: 'a', user_id: 'u1', options: { safe_search: 'none' } }, /options\.safe_search must be one of/],
    ['time_range unknown', { query: 'a', user_id: 'u1', options: { time_range: 'decade' } }, /options\.time_range must be one of/],
    ['region malformed', { query: 'a', user_id: 'u1', options: { region: 'english' } }, /options\.region must look like .*en-US/],
    [
      'provider unknown',
      { query: 'a', user_id: 'u1', options: { provider: 'google' } },
      /options\.provider must be one of .*duckduckgo, searxng, brave/,
    ],
    ['summarize not boolean', { query: 'a', user_id: 'u1', options: { summarize: 'yes' } }, /options\.summarize/],
    ['unknown option', { query: 'a', user_id: 'u1', options: { pages: 3 } }, /options\.pages/],
    ['options not an object', { query: 'a', user_id: 'u1', options: 'fast' }, /options/],
    ['unknown field', { query: 'a', user_id: 'u1', admin: true }, /admin/],
    ['malformed user_id', { query: 'a', user_id: '../x' }, /user_id/],
  ])('POST /search rejects %s with a 400 naming the field', async (_name, body, message) => {
    for (const path of ['/search', '/search/stream']) {
      const res = await search(body, path);
      expect(res.status).toBe(400);
      expect(JSON.stringify((await json(res)).message)).toMatch(message);
    }
  });

  it.each([
    ['empty query', { query: '', user_id: 'u1' }, /query/],
    [
      'a web-only provider',
      { query: 'a', user_id: 'u1', options: { provider: 'brave' } },
      /options\.provider must be one of .*youtube, duckduckgo, searxng/,
    ],
    ['a web-only option', { query: 'a', user_id: 'u1', options: { summarize: true } }, /options\.summarize/],
  ])('POST /video/search rejects %s with a 400 naming the field', async (_name, body, message) => {
    const res = await search(body, '/video/search');
    expect(res.status).toBe(400);
    expect(JSON.stringify((await json(res)).message)).toMatch(message);
  });

  it('documents the routes and DTOs in Swagger', async () => {
    const spec = await json(await fetch(`${p.baseUrl}/docs-json`));
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/search', '/search/stream', '/video/search']));
    for (const dto of [
      'SearchRequestDto',
      'SearchOptionsDto',
      'SearchResponseDto',
      'SearchResultDto',
      'VideoSearchRequestDto',
      'VideoResultDto',
      'SearchSummaryDto',
      'CitationDto',
    ])
      expect(spec.components.schemas[dto]).toBeDefined();
    expect(spec.components.schemas.SearchRequestDto.properties.query).toMatchObject({ minLength: 1, maxLength: 500 });
  });

  // The 429 test pauses DuckDuckGo (a shared backoff) for the rest of the run: these run last.
  it('falls back when DuckDuckGo changes its layout, naming the reason', async () => {
    fake.modes.duckduckgo = 'layout';
    fake.modes.searxng = 'error';
    const body = await post({ query: q('layout'), user_id: p.userId, options: { summarize: false } });
    expect(body.provider).toBe('brave');
    expect(body.fallbacks.map((f: { reason: string }) => f.reason)).toEqual([
      expect.stringMatching(/^bad_response: .*layout changed/),
      'http_error: HTTP 500 from SearXNG',
    ]);
  });

  it('falls back on a 429 and then leaves the provider alone while it backs off', async () => {
    fake.modes.duckduckgo = '429';
    fake.retryAfterS = 120;
    const first = await post({ query: q('limited'), user_id: p.userId, options: { summarize: false } });
    expect(first.provider).toBe('searxng');
    expect(first.fallbacks).toEqual([
      { provider: 'duckduckgo', reason: expect.stringMatching(/^rate_limited: HTTP 429 .*pausing it for 120 s$/) },
    ]);
    // SearXNG listed one URL twice: one result per URL, so each citation number maps to one page.
    expect(first.results.map((r: { url: string }) => r.url)).toEqual([
      'https://redis.io/docs/latest/develop/data-types/streams/',
      'https://en.wikipedia.org/wiki/Redis',
    ]);
    fake.modes.duckduckgo = 'ok';
    const second = await post({ query: q('limited'), user_id: p.userId, options: { summarize: false } });
    expect(second.provider).toBe('searxng');
    expect(second.fallbacks[0].reason).toMatch(/^backing_off: paused for another \d+ s/);
    expect(fake.count('duckduckgo')).toBe(1);
  });
});

describe('search with no provider reachable (no network)', () => {
  let p: Platform;

  beforeAll(async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    p = await startPlatform({
      services: ['search'],
      appEnv: {
        gateway: { RATE_LIMIT_ENABLED: 'false' },
        search: { DUCKDUCKGO_URL: dead, DUCKDUCKGO_VIDEOS_URL: dead, SEARXNG_URL: dead, SEARCH_TIMEOUT_MS: '2000' },
      },
    });
  });
  afterAll(() => p?.stop());

  it('POST /search answers 503 naming every provider tried and why', async () => {
    const res = await p.request('/search', { method: 'POST', json: { query: 'anything', user_id: p.userId } });
    expect(res.status).toBe(503);
    const body = await json(res);
    expect(body.error).toBe('NO_PROVIDER_AVAILABLE');
    expect(body.message).toMatch(
      /^no web search provider could answer; tried: duckduckgo \(unreachable: .*connection refused\); searxng \(unreachable: .*connection refused\); brave \(not_configured: set BRAVE_API_KEY/,
    );
    expect(body.details.tried.map((t: { provider: string }) => t.provider)).toEqual(['duckduckgo', 'searxng', 'brave']);
  });

  it('POST /video/search and the stream say the same', async () => {
    const res = await p.request('/video/search', { method: 'POST', json: { query: 'anything', user_id: p.userId } });
    expect(res.status).toBe(503);
    expect((await json(res)).message).toMatch(
      /youtube \(not_configured: set YOUTUBE_API_KEY.*duckduckgo \(unreachable.*searxng \(unreachable/,
    );
    const events = await readSse(
      await p.request('/search/stream', { method: 'POST', json: { query: 'anything else', user_id: p.userId } }),
    );
    expect(events).toEqual([
      {
        event: 'error',
        id: '1',
        data: expect.objectContaining({
          type: 'error',
          status: 503,
          code: 'NO_PROVIDER_AVAILABLE',
          message: expect.stringMatching(/tried: duckduckgo/),
        }),
      },
    ]);
  });
});

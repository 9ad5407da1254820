import { loadConfig, SearchEnv } from '@nitro/config';
import { freePort } from '@nitro/testing';
import { BraveProvider } from '../src/providers/brave.provider';
import { DuckDuckGoHtmlProvider } from '../src/providers/duckduckgo-html.provider';
import { DuckDuckGoVideosProvider } from '../src/providers/duckduckgo-videos.provider';
import { ProviderError } from '../src/providers/provider-error';
import { SearxngProvider, SearxngVideosProvider } from '../src/providers/searxng.provider';
import type { SearchProvider, SearchQuery } from '../src/providers/web-search-provider.interface';
import { YoutubeProvider } from '../src/providers/youtube.provider';
import { fakeProviderEnv, startFakeProviders, type FakeMode, type FakeProviders, type ProviderRoute } from './support/fake-providers';

/**
 * Every provider client against a local server answering in that vendor's format: results, no
 * results, a changed layout, 429, a hang (timeout), a 500 and a closed port.
 */
describe('search providers against local servers in each vendor format', () => {
  let fake: FakeProviders;
  let env: SearchEnv;
  const q: SearchQuery = { query: 'redis streams', maxResults: 10, safeSearch: 'moderate' };

  beforeAll(async () => {
    fake = await startFakeProviders();
    env = loadConfig(SearchEnv, { ...fakeProviderEnv(fake), SEARCH_TIMEOUT_MS: '400' });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e) => e,
    );
    if (!(err instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${err}`);
    return err;
  };

  const cases: [string, ProviderRoute, () => SearchProvider<unknown>, number][] = [
    ['duckduckgo (html)', 'duckduckgo', () => new DuckDuckGoHtmlProvider(env), 4],
    ['searxng', 'searxng', () => new SearxngProvider(env), 3],
    ['brave', 'brave', () => new BraveProvider(env), 2],
    ['youtube', 'youtube', () => new YoutubeProvider(env), 2],
    ['duckduckgo videos', 'duckduckgo-videos', () => new DuckDuckGoVideosProvider(env), 2],
    ['searxng videos', 'searxng', () => new SearxngVideosProvider(env), 2],
  ];

  describe.each(cases)('%s', (_name, route, make, expected) => {
    it('parses results', async () => {
      const hits = (await make().search(q)) as { url: string; title: string }[];
      expect(hits).toHaveLength(expected);
      for (const h of hits) expect(h.url).toMatch(/^https:\/\//);
      expect(hits.every((h) => h.title.length > 0)).toBe(true);
    });

    it('answers [] when the provider has no results', async () => {
      fake.modes[route] = 'empty';
      expect(await make().search(q)).toEqual([]);
    });

    it('reports a changed layout as bad_response, not results', async () => {
      fake.modes[route] = 'layout';
      const err = await failure(make().search(q));
      expect(err.kind).toBe('bad_response');
    });

    it.each<[FakeMode, string]>([
      ['429', 'rate_limited'],
      ['hang', 'timeout'],
      ['error', 'http_error'],
    ])('upstream %s -> %s', async (mode, kind) => {
      fake.modes[route] = mode;
      const err = await failure(make().search(q));
      expect(err.kind).toBe(kind);
      if (mode === '429') expect(err.retryAfterMs).toBe(1000);
      if (mode === 'hang') expect(err.message).toMatch(/within 400 ms/);
    });
  });

  it('DuckDuckGo gets a browser-like form post with region, safe search and time range', async () => {
    await new DuckDuckGoHtmlProvider(env).search({ ...q, region: 'de-DE', safeSearch: 'strict', timeRange: 'week' });
    const [req] = fake.requests;
    expect(req.method).toBe('POST');
    expect(Object.fromEntries(req.form)).toEqual({ q: 'redis streams', b: '', kl: 'de-de', kp: '1', df: 'w' });
    expect(req.headers['user-agent']).toMatch(/Mozilla/);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('DuckDuckGo bot challenge (202) is rate limiting', async () => {
    fake.modes.duckduckgo = 'challenge';
    expect((await failure(new DuckDuckGoHtmlProvider(env).search(q))).kind).toBe('rate_limited');
  });

  it('DuckDuckGo videos fetches the vqd token first and passes it to v.js', async () => {
    await new DuckDuckGoVideosProvider(env).search({ ...q, timeRange: 'month', safeSearch: 'off' });
    expect(fake.requests.map((r) => r.path)).toEqual(['/', '/v.js']);
    expect(Object.fromEntries(fake.requests[1].query)).toMatchObject({
      vqd: '4-1234567890',
      o: 'json',
      q: 'redis streams',
      f: 'publishedAfter:m,,,',
      p: '-2',
      l: 'wt-wt',
    });
  });

  it('SearXNG gets format=json with category, language, safe search and time range', async () => {
    await new SearxngVideosProvider(env).search({ ...q, region: 'en-US', timeRange: 'day' });
    expect(Object.fromEntries(fake.requests[0].query)).toMatchObject({
      format: 'json',
      categories: 'videos',
      language: 'en-US',
      safesearch: '1',
      time_range: 'day',
    });
  });

  it('Brave gets the key header and its own parameter forms; a bad key is an auth error naming the variable', async () => {
    await new BraveProvider(env).search({ ...q, maxResults: 50, region: 'en-GB', timeRange: 'year' });
    const req = fake.requests[0];
    expect(req.headers['x-subscription-token']).toBe('brave-test-key');
    expect(Object.fromEntries(req.query)).toMatchObject({
      count: '20',
      country: 'GB',
      search_lang: 'en',
      freshness: 'py',
      safesearch: 'moderate',
    });
    const wrongKey = loadConfig(SearchEnv, { ...fakeProviderEnv(fake), BRAVE_API_KEY: 'nope' });
    const err = await failure(new BraveProvider(wrongKey).search(q));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/BRAVE_API_KEY.*subscription token is invalid/);
  });

  it('YouTube asks for durations in a second call; quota exhaustion is rate limiting; a bad key is an auth error', async () => {
    const hits = await new YoutubeProvider(env).search({ ...q, region: 'en-US', safeSearch: 'strict' });
    expect(hits.map((h) => [h.duration, h.duration_s])).toEqual([
      ['10:42', 642],
      ['1:02:03', 3723],
    ]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/youtube/v3/search', '/youtube/v3/videos']);
    expect(Object.fromEntries(fake.requests[0].query)).toMatchObject({
      part: 'snippet',
      type: 'video',
      regionCode: 'US',
      relevanceLanguage: 'en',
      safeSearch: 'strict',
      maxResults: '10',
    });
    expect(fake.requests[1].query.get('id')).toBe('Z8qcpXyMAiA,dQw4w9WgXcQ');
    fake.modes.youtube = 'challenge';
    expect((await failure(new YoutubeProvider(env).search(q))).kind).toBe('rate_limited');
    fake.modes.youtube = 'ok';
    const badKey = loadConfig(SearchEnv, { ...fakeProviderEnv(fake), YOUTUBE_API_KEY: 'nope' });
    expect((await failure(new YoutubeProvider(badKey).search(q))).kind).toBe('auth');
  });

  it('a closed port is reported as unreachable', async () => {
    const dead = loadConfig(SearchEnv, { DUCKDUCKGO_URL: `http://127.0.0.1:${await freePort()}` });
    const err = await failure(new DuckDuckGoHtmlProvider(dead).search(q));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toMatch(/connection refused/);
  });

  it('providers without their URL or key say what to configure', () => {
    const bare = loadConfig(SearchEnv, {});
    expect(new SearxngProvider(bare).unavailable()).toMatch(/SEARXNG_URL/);
    expect(new BraveProvider(bare).unavailable()).toMatch(/BRAVE_API_KEY/);
    expect(new YoutubeProvider(bare).unavailable()).toMatch(/YOUTUBE_API_KEY/);
    expect(new DuckDuckGoHtmlProvider(bare).unavailable()).toBeNull();
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * One local HTTP server that answers like every search provider the search service talks to, from
 * responses saved in each vendor's format (test/fixtures): DuckDuckGo's HTML page and its video
 * endpoints, SearXNG's JSON API, Brave's web search API and the YouTube Data API. Each provider
 * can be switched to empty results, a changed layout, 429, a hang or an error; every request is
 * recorded so tests can check what was sent.
 */
export type ProviderRoute = 'duckduckgo' | 'duckduckgo-videos' | 'searxng' | 'brave' | 'youtube';
export type FakeMode = 'ok' | 'empty' | 'layout' | 'challenge' | '429' | 'hang' | 'error';

export interface RecordedRequest {
  route: ProviderRoute;
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  headers: IncomingMessage['headers'];
}

export interface FakeProviders {
  url: string;
  port: number;
  modes: Record<ProviderRoute, FakeMode>;
  /** Fixed delay before every answer (the benchmark uses 50 ms). */
  latencyMs: number;
  /** Retry-After sent with 429s, seconds. */
  retryAfterS: number;
  /** Replace DuckDuckGo's results with these (rendered into the same page shape). */
  duckduckgoHits?: { url: string; title: string; snippet: string }[];
  requests: RecordedRequest[];
  count(route: ProviderRoute): number;
  reset(): void;
  close(): Promise<void>;
}

export const BRAVE_TEST_KEY = 'brave-test-key';
export const YOUTUBE_TEST_KEY = 'youtube-test-key';
// From the sources (jest) or from dist/ (the benchmark): the fixtures stay in the source tree.
const FIXTURES =
  [join(__dirname, '..', 'fixtures'), join(__dirname, '..', '..', '..', '..', '..', 'apps', 'search', 'test', 'fixtures')].find((d) =>
    existsSync(d),
  ) ?? '';
const loaded = new Map<string, string>();
/** A saved provider response (read once: the benchmark serves thousands). */
export const fixture = (name: string): string =>
  loaded.get(name) ?? loaded.set(name, readFileSync(join(FIXTURES, name), 'utf8')).get(name)!;

function routeOf(method: string, path: string): ProviderRoute | undefined {
  if (method === 'POST' && (path === '/html/' || path === '/html')) return 'duckduckgo';
  if (method === 'GET' && (path === '/' || path === '/v.js')) return 'duckduckgo-videos';
  if (method === 'GET' && path === '/search') return 'searxng';
  if (method === 'GET' && path === '/res/v1/web/search') return 'brave';
  if (method === 'GET' && path.startsWith('/youtube/v3/')) return 'youtube';
  return undefined;
}

/** DuckDuckGo's result block, as in the saved page, for caller-chosen hits. */
export function duckduckgoPage(hits: { url: string; title: string; snippet: string }[]): string {
  const page = fixture('duckduckgo-no-results.html');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const blocks = hits
    .map(
      (h) => `
            <div class="result results_links results_links_deep web-result ">
          <div class="links_main links_deep result__body">
          <h2 class="result__title"><a rel="nofollow" class="result__a" href="//duckduckgo.com/l/?uddg=${encodeURIComponent(h.url)}&amp;rut=1">${esc(h.title)}</a></h2>
            <div class="result__extras"><div class="result__extras__url"><a class="result__url" href="${esc(h.url)}">${esc(h.url)}</a></div></div>
                  <a class="result__snippet" href="${esc(h.url)}">${esc(h.snippet)}</a>
            <div class="clear"></div>
          </div>
        </div>`,
    )
    .join('\n');
  return page.replace(/<div class="result results_links[\s\S]*?<div class="clear"><\/div>\s*<\/div>\s*<\/div>/, blocks);
}

function answer(
  fake: FakeProviders,
  route: ProviderRoute,
  path: string,
  q: URLSearchParams,
  headers: IncomingMessage['headers'],
): { status: number; type: string; body: string; headers?: Record<string, string> } | undefined {
  const mode = fake.modes[route];
  const json = (body: string, status = 200) => ({ status, type: 'application/json; charset=utf-8', body });
  const html = (body: string, status = 200) => ({ status, type: 'text/html; charset=UTF-8', body });
  if (mode === 'hang') return undefined;
  if (mode === '429')
    return { status: 429, type: 'text/plain', body: 'Too Many Requests', headers: { 'Retry-After': String(fake.retryAfterS) } };
  if (mode === 'error') return { status: 500, type: 'text/plain', body: 'Internal Server Error' };
  switch (route) {
    case 'duckduckgo':
      if (mode === 'challenge') return html(fixture('duckduckgo-challenge.html'), 202);
      if (mode === 'layout') return html(fixture('duckduckgo-changed-layout.html'));
      if (mode === 'empty') return html(fixture('duckduckgo-no-results.html'));
      return html(fake.duckduckgoHits ? duckduckgoPage(fake.duckduckgoHits) : fixture('duckduckgo-results.html'));
    case 'duckduckgo-videos':
      if (path === '/')
        return mode === 'layout' ? html('<html><body>no token here</body></html>') : html(fixture('duckduckgo-videos-page.html'));
      if (q.get('vqd') !== '4-1234567890') return json('{"error":"bad vqd"}', 403);
      return mode === 'empty'
        ? json('{"ads":null,"query":"x","response_type":"videos","results":[]}')
        : json(fixture('duckduckgo-videos.json'));
    case 'searxng': {
      if (q.get('format') !== 'json') return html('<html>SearXNG</html>');
      if (mode === 'layout') return html('<!DOCTYPE html><html><body>Too many requests from your IP, please retry later</body></html>');
      const videos = q.get('categories') === 'videos';
      return json(fixture(mode === 'empty' ? 'searxng-empty.json' : videos ? 'searxng-videos.json' : 'searxng-web.json'));
    }
    case 'brave':
      if (headers['x-subscription-token'] !== BRAVE_TEST_KEY) return json(fixture('brave-invalid-token.json'), 422);
      if (mode === 'layout') return json('{"results":[{"title":"x"}]}');
      return json(fixture(mode === 'empty' ? 'brave-empty.json' : 'brave-web.json'));
    case 'youtube':
      if (q.get('key') !== YOUTUBE_TEST_KEY)
        return json(
          '{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","errors":[{"message":"API key not valid.","domain":"global","reason":"badRequest"}]}}',
          400,
        );
      if (mode === 'challenge') return json(fixture('youtube-quota.json'), 403);
      if (path.endsWith('/videos')) return json(fixture('youtube-videos.json'));
      if (mode === 'layout') return json('{"kind":"youtube#videoListResponse","items":[]}');
      return json(fixture(mode === 'empty' ? 'youtube-search-empty.json' : 'youtube-search.json'));
  }
}

export async function startFakeProviders(opts: { port?: number; latencyMs?: number } = {}): Promise<FakeProviders> {
  const fake = {
    url: '',
    port: 0,
    modes: { duckduckgo: 'ok', 'duckduckgo-videos': 'ok', searxng: 'ok', brave: 'ok', youtube: 'ok' },
    latencyMs: opts.latencyMs ?? 0,
    retryAfterS: 1,
    requests: [] as RecordedRequest[],
    count: (route: ProviderRoute) => fake.requests.filter((r) => r.route === route).length,
    reset: () => {
      fake.requests.length = 0;
      fake.duckduckgoHits = undefined;
      fake.retryAfterS = 1;
      for (const k of Object.keys(fake.modes) as ProviderRoute[]) fake.modes[k] = 'ok';
    },
  } as FakeProviders;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const route = routeOf(req.method ?? 'GET', url.pathname);
      if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      fake.requests.push({
        route,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        form: new URLSearchParams(raw),
        headers: req.headers,
      });
      const out = answer(fake, route, url.pathname, url.searchParams, req.headers);
      if (!out) return; // hang: never answer
      const send = () => res.writeHead(out.status, { 'content-type': out.type, ...(out.headers ?? {}) }).end(out.body);
      if (fake.latencyMs > 0) setTimeout(send, fake.latencyMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  fake.port = (server.address() as AddressInfo).port;
  fake.url = `http://127.0.0.1:${fake.port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** The search service's provider variables, all pointed at the fake server. */
export function fakeProviderEnv(fake: FakeProviders): Record<string, string> {
  return {
    DUCKDUCKGO_URL: fake.url,
    DUCKDUCKGO_VIDEOS_URL: fake.url,
    SEARXNG_URL: fake.url,
    BRAVE_URL: fake.url,
    BRAVE_API_KEY: BRAVE_TEST_KEY,
    YOUTUBE_URL: fake.url,
    YOUTUBE_API_KEY: YOUTUBE_TEST_KEY,
  };
}

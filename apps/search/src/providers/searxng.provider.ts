import type { SearchEnv } from '@nitro/config';
import { ProviderError } from './provider-error';
import { parseJson, providerFetch } from './provider-http';
import { parseSearxngVideos, parseSearxngWeb } from './searxng.parser';
import type { SearchQuery, VideoHit, VideoSearchProvider, WebHit, WebSearchProvider } from './web-search-provider.interface';

const SAFE_SEARCH = { off: '0', moderate: '1', strict: '2' } as const;

/** GET {SEARXNG_URL}/search?format=json for one category; shared by the web and video providers. */
async function searxngSearch(env: SearchEnv, category: 'general' | 'videos', q: SearchQuery, signal?: AbortSignal): Promise<unknown> {
  const params = new URLSearchParams({
    q: q.query,
    format: 'json',
    categories: category,
    safesearch: SAFE_SEARCH[q.safeSearch],
    pageno: '1',
  });
  if (q.region) params.set('language', q.region);
  if (q.timeRange) params.set('time_range', q.timeRange);
  const res = await providerFetch({
    provider: 'searxng',
    url: `${env.SEARXNG_URL.replace(/\/+$/, '')}/search?${params}`,
    timeoutMs: env.SEARCH_TIMEOUT_MS,
    signal,
    headers: { Accept: 'application/json' },
  });
  // SearXNG answers 403 when `json` is missing from search.formats in its settings.yml.
  if (res.status === 403)
    throw new ProviderError('searxng', 'auth', 'HTTP 403: enable "json" in search.formats of the SearXNG settings.yml');
  if (res.status !== 200) throw new ProviderError('searxng', 'http_error', `HTTP ${res.status} from SearXNG`);
  return parseJson('searxng', res.text);
}

/** Self-hosted SearXNG metasearch (JSON API, no key). */
export class SearxngProvider implements WebSearchProvider {
  readonly name = 'searxng';
  constructor(private readonly env: SearchEnv) {}

  unavailable(): string | null {
    return this.env.SEARXNG_URL ? null : 'set SEARXNG_URL to a SearXNG instance with the JSON format enabled';
  }

  async search(q: SearchQuery, signal?: AbortSignal): Promise<WebHit[]> {
    return parseSearxngWeb(await searxngSearch(this.env, 'general', q, signal)).slice(0, q.maxResults);
  }
}

/** SearXNG's videos category (YouTube, Vimeo, PeerTube … engines, as the instance configures). */
export class SearxngVideosProvider implements VideoSearchProvider {
  readonly name = 'searxng';
  constructor(private readonly env: SearchEnv) {}

  unavailable(): string | null {
    return this.env.SEARXNG_URL ? null : 'set SEARXNG_URL to a SearXNG instance with the JSON format enabled';
  }

  async search(q: SearchQuery, signal?: AbortSignal): Promise<VideoHit[]> {
    return parseSearxngVideos(await searxngSearch(this.env, 'videos', q, signal)).slice(0, q.maxResults);
  }
}

import type { SearchEnv } from '@nitro/config';
import { DDG_SAFE_SEARCH, DDG_TIME_RANGE, ddgRegion } from './duckduckgo-html.provider';
import { ProviderError } from './provider-error';
import { parseJson, providerFetch } from './provider-http';
import { clockSeconds, formatDuration, htmlToText, httpUrl, isoDate, sourceOf } from './result-text.util';
import type { SearchQuery, VideoHit, VideoSearchProvider } from './web-search-provider.interface';

const PROVIDER = 'duckduckgo';

/** The results page embeds the token as vqd="4-123…", vqd='4-123…' or in a URL as vqd=4-123…&. */
export function extractVqd(html: string): string {
  const m = /vqd=(?:"|'|)([\w-]{6,})/.exec(html);
  if (!m) throw new ProviderError(PROVIDER, 'bad_response', 'no vqd token in the DuckDuckGo results page: the page layout changed');
  return m[1];
}

interface DdgVideo {
  content?: unknown;
  title?: unknown;
  description?: unknown;
  duration?: unknown;
  embed_url?: unknown;
  images?: { large?: unknown; medium?: unknown; small?: unknown };
  published?: unknown;
  publisher?: unknown;
  uploader?: unknown;
}

/** v.js answers { results: [{ content (video URL), title, description, duration "4:13", embed_url, images, published, publisher, uploader }] }. */
export function parseDuckDuckGoVideos(body: unknown): VideoHit[] {
  const results = (body as { results?: unknown })?.results;
  if (!body || typeof body !== 'object' || !Array.isArray(results)) {
    throw new ProviderError(PROVIDER, 'bad_response', 'v.js JSON without a "results" array');
  }
  const hits: VideoHit[] = [];
  for (const v of results as DdgVideo[]) {
    const url = httpUrl(v?.content);
    const title = htmlToText(v?.title);
    if (!url || !title) continue;
    const seconds = clockSeconds(v.duration);
    const images = v.images ?? {};
    const channel = htmlToText(v.uploader) || htmlToText(v.publisher);
    hits.push({
      title,
      url,
      snippet: htmlToText(v.description),
      source: sourceOf(url),
      published_at: isoDate(v.published),
      duration: formatDuration(seconds),
      duration_s: seconds,
      channel: channel || null,
      thumbnail: httpUrl(images.medium) ?? httpUrl(images.large) ?? httpUrl(images.small) ?? null,
      embed_url: httpUrl(v.embed_url) ?? null,
    });
  }
  return hits;
}

/**
 * DuckDuckGo video search (no key): the results page for the query carries a `vqd` token that
 * the JSON endpoint v.js requires, as DuckDuckGo's own page does. An undocumented interface: a
 * missing token or an unexpected body is reported as a layout change, and the chain moves on.
 */
export class DuckDuckGoVideosProvider implements VideoSearchProvider {
  readonly name = PROVIDER;
  constructor(private readonly env: SearchEnv) {}

  unavailable(): string | null {
    return null;
  }

  async search(q: SearchQuery, signal?: AbortSignal): Promise<VideoHit[]> {
    const base = this.env.DUCKDUCKGO_VIDEOS_URL.replace(/\/+$/, '');
    const headers = { 'User-Agent': this.env.SEARCH_USER_AGENT, Referer: `${base}/` };
    const page = await providerFetch({
      provider: PROVIDER,
      url: `${base}/?${new URLSearchParams({ q: q.query, iax: 'videos', ia: 'videos' })}`,
      timeoutMs: this.env.SEARCH_TIMEOUT_MS,
      signal,
      headers,
    });
    this.checkStatus(page.status);
    const params = new URLSearchParams({
      l: ddgRegion(q.region),
      o: 'json',
      q: q.query,
      vqd: extractVqd(page.text),
      f: [q.timeRange ? `publishedAfter:${DDG_TIME_RANGE[q.timeRange]}` : '', '', '', ''].join(','),
      p: DDG_SAFE_SEARCH[q.safeSearch],
    });
    const res = await providerFetch({
      provider: PROVIDER,
      url: `${base}/v.js?${params}`,
      timeoutMs: this.env.SEARCH_TIMEOUT_MS,
      signal,
      headers: { ...headers, Accept: 'application/json' },
    });
    this.checkStatus(res.status);
    return parseDuckDuckGoVideos(parseJson(PROVIDER, res.text)).slice(0, q.maxResults);
  }

  private checkStatus(status: number): void {
    if (status === 202 || status === 403)
      throw new ProviderError(PROVIDER, 'rate_limited', `DuckDuckGo refused the request (HTTP ${status}): blocked as automated traffic`);
    if (status !== 200) throw new ProviderError(PROVIDER, 'http_error', `HTTP ${status} from DuckDuckGo`);
  }
}

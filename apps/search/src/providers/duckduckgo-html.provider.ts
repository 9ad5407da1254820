import type { SearchEnv } from '@nitro/config';
import { parseDuckDuckGoHtml } from './duckduckgo-html.parser';
import { ProviderError } from './provider-error';
import { providerFetch } from './provider-http';
import { splitRegion, type SearchQuery, type WebHit, type WebSearchProvider } from './web-search-provider.interface';

export const DDG_SAFE_SEARCH = { strict: '1', moderate: '-1', off: '-2' } as const;
export const DDG_TIME_RANGE = { day: 'd', week: 'w', month: 'm', year: 'y' } as const;

/** "en-US" -> DuckDuckGo's "us-en"; no region -> "wt-wt" (all regions). */
export function ddgRegion(region?: string): string {
  const r = splitRegion(region);
  return r ? `${r.country.toLowerCase()}-${r.lang}` : 'wt-wt';
}

/**
 * DuckDuckGo web search through its no-JavaScript page (no key). The form is posted like a browser
 * does; DuckDuckGo blocks clients that look automated, so the rate limiter in front of this
 * provider matters more than anywhere else.
 */
export class DuckDuckGoHtmlProvider implements WebSearchProvider {
  readonly name = 'duckduckgo';

  constructor(private readonly env: SearchEnv) {}

  unavailable(): string | null {
    return null;
  }

  async search(q: SearchQuery, signal?: AbortSignal): Promise<WebHit[]> {
    const form = new URLSearchParams({ q: q.query, b: '', kl: ddgRegion(q.region), kp: DDG_SAFE_SEARCH[q.safeSearch] });
    if (q.timeRange) form.set('df', DDG_TIME_RANGE[q.timeRange]);
    const base = this.env.DUCKDUCKGO_URL.replace(/\/+$/, '');
    const res = await providerFetch({
      provider: this.name,
      url: `${base}/html/`,
      method: 'POST',
      timeoutMs: this.env.SEARCH_TIMEOUT_MS,
      signal,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'User-Agent': this.env.SEARCH_USER_AGENT,
        Accept: 'text/html,application/xhtml+xml',
        'Accept-Language': q.region ? `${q.region},${q.region.split('-')[0]};q=0.8` : 'en;q=0.8',
        Referer: `${base}/`,
      },
      body: form.toString(),
    });
    // DuckDuckGo signals "you look like a bot" with 202 or 403 and a challenge page.
    if (res.status === 202 || res.status === 403)
      throw new ProviderError(
        this.name,
        'rate_limited',
        `DuckDuckGo refused the request (HTTP ${res.status}): blocked as automated traffic`,
      );
    if (res.status !== 200) throw new ProviderError(this.name, 'http_error', `HTTP ${res.status} from DuckDuckGo`);
    return parseDuckDuckGoHtml(res.text).slice(0, q.maxResults);
  }
}

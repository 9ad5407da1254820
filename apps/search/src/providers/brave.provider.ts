import type { SearchEnv } from '@nitro/config';
import { ProviderError } from './provider-error';
import { parseJson, providerFetch } from './provider-http';
import { htmlToText, httpUrl, isoDate, sourceOf } from './result-text.util';
import { splitRegion, type SearchQuery, type WebHit, type WebSearchProvider } from './web-search-provider.interface';

const FRESHNESS = { day: 'pd', week: 'pw', month: 'pm', year: 'py' } as const;
/** Brave's documented maximum for `count`. */
const BRAVE_MAX_COUNT = 20;

interface BraveResult {
  title?: unknown;
  url?: unknown;
  description?: unknown;
  page_age?: unknown;
  meta_url?: { hostname?: unknown };
}

/**
 * The body of GET /res/v1/web/search: `type: "search"`; `web.results` is absent when nothing
 * matched. Descriptions carry <strong> highlights.
 */
export function parseBraveWeb(body: unknown): WebHit[] {
  const b = body as { type?: unknown; web?: { results?: unknown } };
  if (!b || typeof b !== 'object' || b.type !== 'search') {
    throw new ProviderError('brave', 'bad_response', 'JSON without type "search": not a Brave web search answer');
  }
  if (b.web === undefined) return [];
  if (!Array.isArray(b.web?.results)) throw new ProviderError('brave', 'bad_response', '"web" without a "results" array');
  const hits: WebHit[] = [];
  for (const r of b.web.results as BraveResult[]) {
    const url = httpUrl(r?.url);
    const title = htmlToText(r?.title);
    if (!url || !title) continue;
    const host = typeof r.meta_url?.hostname === 'string' ? r.meta_url.hostname.replace(/^www\./, '') : sourceOf(url);
    hits.push({ title, url, snippet: htmlToText(r.description), source: host, published_at: isoDate(r.page_age) });
  }
  return hits;
}

/** Brave Search API (key in X-Subscription-Token). */
export class BraveProvider implements WebSearchProvider {
  readonly name = 'brave';
  constructor(private readonly env: SearchEnv) {}

  unavailable(): string | null {
    return this.env.BRAVE_API_KEY ? null : 'set BRAVE_API_KEY (a Brave Search API subscription token)';
  }

  async search(q: SearchQuery, signal?: AbortSignal): Promise<WebHit[]> {
    const params = new URLSearchParams({ q: q.query, count: String(Math.min(q.maxResults, BRAVE_MAX_COUNT)), safesearch: q.safeSearch });
    const region = splitRegion(q.region);
    if (region) {
      params.set('country', region.country);
      params.set('search_lang', region.lang);
    }
    if (q.timeRange) params.set('freshness', FRESHNESS[q.timeRange]);
    const res = await providerFetch({
      provider: this.name,
      url: `${this.env.BRAVE_URL.replace(/\/+$/, '')}/res/v1/web/search?${params}`,
      timeoutMs: this.env.SEARCH_TIMEOUT_MS,
      signal,
      headers: { Accept: 'application/json', 'X-Subscription-Token': this.env.BRAVE_API_KEY },
    });
    if (res.status === 401 || res.status === 403 || res.status === 422) {
      throw new ProviderError(this.name, 'auth', `HTTP ${res.status}: Brave refused BRAVE_API_KEY (${errorDetail(res.text)})`);
    }
    if (res.status !== 200) throw new ProviderError(this.name, 'http_error', `HTTP ${res.status} from Brave (${errorDetail(res.text)})`);
    return parseBraveWeb(parseJson(this.name, res.text)).slice(0, q.maxResults);
  }
}

/** Brave errors: { type: "ErrorResponse", error: { code, detail } }. */
function errorDetail(text: string): string {
  try {
    const e = JSON.parse(text)?.error;
    return String(e?.detail ?? e?.code ?? 'no detail');
  } catch {
    return 'no detail';
  }
}

import type { SearchEnv } from '@nitro/config';
import { ProviderError } from './provider-error';
import { parseJson, providerFetch, type ProviderResponse } from './provider-http';
import { formatDuration, htmlToText, isoDate, isoDurationSeconds } from './result-text.util';
import { splitRegion, type SearchQuery, type VideoHit, type VideoSearchProvider } from './web-search-provider.interface';

const SAFE_SEARCH = { off: 'none', moderate: 'moderate', strict: 'strict' } as const;
const RANGE_DAYS = { day: 1, week: 7, month: 30, year: 365 } as const;

interface SearchItem {
  id?: { kind?: unknown; videoId?: unknown };
  snippet?: {
    title?: unknown;
    description?: unknown;
    publishedAt?: unknown;
    channelTitle?: unknown;
    thumbnails?: Record<string, { url?: unknown }>;
  };
}

/** search.list (type=video) answer: `kind: youtube#searchListResponse`, `items[]`. Titles arrive HTML-escaped. */
export function parseYoutubeSearch(body: unknown): (VideoHit & { id: string })[] {
  const b = body as { kind?: unknown; items?: unknown };
  if (!b || typeof b !== 'object' || b.kind !== 'youtube#searchListResponse' || !Array.isArray(b.items)) {
    throw new ProviderError('youtube', 'bad_response', 'JSON is not a youtube#searchListResponse with items');
  }
  const hits: (VideoHit & { id: string })[] = [];
  for (const item of b.items as SearchItem[]) {
    const id = item?.id?.videoId;
    if (typeof id !== 'string' || !/^[\w-]{6,20}$/.test(id)) continue;
    const s = item.snippet ?? {};
    const thumbs = s.thumbnails ?? {};
    const thumb = thumbs.high?.url ?? thumbs.medium?.url ?? thumbs.default?.url;
    hits.push({
      id,
      title: htmlToText(s.title),
      url: `https://www.youtube.com/watch?v=${id}`,
      snippet: htmlToText(s.description),
      source: 'youtube.com',
      published_at: isoDate(s.publishedAt),
      duration: null,
      duration_s: null,
      channel: typeof s.channelTitle === 'string' ? htmlToText(s.channelTitle) : null,
      thumbnail: typeof thumb === 'string' ? thumb : null,
      embed_url: `https://www.youtube.com/embed/${id}`,
    });
  }
  return hits;
}

/** videos.list (part=contentDetails) answer -> id -> seconds ("PT4M13S"). */
export function parseYoutubeDurations(body: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const items = (body as { items?: unknown })?.items;
  if (!Array.isArray(items)) return out;
  for (const item of items as { id?: unknown; contentDetails?: { duration?: unknown } }[]) {
    const seconds = isoDurationSeconds(item?.contentDetails?.duration);
    if (typeof item?.id === 'string' && seconds !== null) out.set(item.id, seconds);
  }
  return out;
}

/** YouTube Data API v3: search.list for the videos, then one videos.list call for their durations. */
export class YoutubeProvider implements VideoSearchProvider {
  readonly name = 'youtube';
  constructor(private readonly env: SearchEnv) {}

  unavailable(): string | null {
    return this.env.YOUTUBE_API_KEY ? null : 'set YOUTUBE_API_KEY (a YouTube Data API v3 key)';
  }

  async search(q: SearchQuery, signal?: AbortSignal): Promise<VideoHit[]> {
    const params = new URLSearchParams({
      part: 'snippet',
      type: 'video',
      q: q.query,
      maxResults: String(q.maxResults),
      safeSearch: SAFE_SEARCH[q.safeSearch],
    });
    const region = splitRegion(q.region);
    if (region) {
      params.set('regionCode', region.country);
      params.set('relevanceLanguage', region.lang);
    }
    if (q.timeRange) params.set('publishedAfter', new Date(Date.now() - RANGE_DAYS[q.timeRange] * 86_400_000).toISOString());
    const hits = parseYoutubeSearch(await this.get('search', params, signal));
    if (!hits.length) return [];
    // Durations are a second call; without them the results are still worth returning.
    const durations = await this.get('videos', new URLSearchParams({ part: 'contentDetails', id: hits.map((h) => h.id).join(',') }), signal)
      .then(parseYoutubeDurations)
      .catch(() => new Map<string, number>());
    return hits.map(({ id, ...hit }) => {
      const seconds = durations.get(id) ?? null;
      return { ...hit, duration_s: seconds, duration: formatDuration(seconds) };
    });
  }

  private async get(resource: 'search' | 'videos', params: URLSearchParams, signal?: AbortSignal): Promise<unknown> {
    params.set('key', this.env.YOUTUBE_API_KEY);
    const res = await providerFetch({
      provider: this.name,
      url: `${this.env.YOUTUBE_URL.replace(/\/+$/, '')}/youtube/v3/${resource}?${params}`,
      timeoutMs: this.env.SEARCH_TIMEOUT_MS,
      signal,
      headers: { Accept: 'application/json' },
    });
    if (res.status !== 200) throw youtubeError(res);
    return parseJson(this.name, res.text);
  }
}

/** Google API errors: { error: { code, message, errors: [{ reason }] } }; quota is a 403, not a 429. */
function youtubeError(res: ProviderResponse): ProviderError {
  let reason = '';
  let message = `HTTP ${res.status}`;
  try {
    const e = JSON.parse(res.text)?.error;
    reason = String(e?.errors?.[0]?.reason ?? '');
    message = String(e?.message ?? message).slice(0, 200);
  } catch {
    // not JSON: keep the status
  }
  if (/quotaExceeded|rateLimitExceeded|userRateLimitExceeded|dailyLimitExceeded/.test(reason)) {
    return new ProviderError('youtube', 'rate_limited', `${reason}: ${message}`);
  }
  if (/keyInvalid|keyExpired|forbidden|accessNotConfigured/.test(reason) || /API key not valid/i.test(message) || res.status === 401) {
    return new ProviderError('youtube', 'auth', `YouTube refused YOUTUBE_API_KEY (${reason || res.status}): ${message}`);
  }
  return new ProviderError('youtube', 'http_error', `HTTP ${res.status} from YouTube${reason ? ` (${reason})` : ''}`);
}

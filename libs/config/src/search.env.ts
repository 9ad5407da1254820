import { IsBoolean, IsInt, IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { CommaList } from './comma-list';
import { ServiceEnv } from './common.env';

const WEB_PROVIDER_NAMES = ['duckduckgo', 'searxng', 'brave'] as const;
const VIDEO_PROVIDER_NAMES = ['youtube', 'duckduckgo', 'searxng'] as const;
const URL_OR_EMPTY = /^(https?:\/\/\S+)?$/;
const URL = /^https?:\/\/\S+$/;

/**
 * The search service's variables. Providers that need a URL or key and have none are skipped with
 * a reason naming the variable, so the 503 "no provider" answer says what to configure.
 */
export class SearchEnv extends ServiceEnv {
  override HTTP_PORT = 8104;

  // --- providers ---
  /** Web search providers in fallback order. */
  @CommaList(WEB_PROVIDER_NAMES)
  SEARCH_PROVIDERS: (typeof WEB_PROVIDER_NAMES)[number][] = ['duckduckgo', 'searxng', 'brave'];

  /** Video search providers in fallback order. */
  @CommaList(VIDEO_PROVIDER_NAMES)
  VIDEO_PROVIDERS: (typeof VIDEO_PROVIDER_NAMES)[number][] = ['youtube', 'duckduckgo', 'searxng'];

  /** DuckDuckGo's no-JavaScript HTML endpoint (POST /html/). */
  @Matches(URL, { message: 'must be an http(s) URL' })
  DUCKDUCKGO_URL = 'https://html.duckduckgo.com';

  /** DuckDuckGo's main site: the page that carries the vqd token and the v.js video endpoint. */
  @Matches(URL, { message: 'must be an http(s) URL' })
  DUCKDUCKGO_VIDEOS_URL = 'https://duckduckgo.com';

  /** A SearXNG instance with `json` in search.formats; empty = not used. */
  @Matches(URL_OR_EMPTY, { message: 'must be an http(s) URL or empty' })
  SEARXNG_URL = '';

  @IsString()
  BRAVE_API_KEY = '';

  @Matches(URL, { message: 'must be an http(s) URL' })
  BRAVE_URL = 'https://api.search.brave.com';

  /** YouTube Data API v3 key; empty = YouTube not used. */
  @IsString()
  YOUTUBE_API_KEY = '';

  @Matches(URL, { message: 'must be an http(s) URL' })
  YOUTUBE_URL = 'https://www.googleapis.com';

  /** Sent to providers that expect a browser (DuckDuckGo's HTML pages). */
  @IsString()
  SEARCH_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

  /** Timeout of one provider request, ms. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  SEARCH_TIMEOUT_MS = 8_000;

  /** Result cache lifetime in Redis, seconds; 0 disables the cache. */
  @IsInt()
  @Min(0)
  @Max(7 * 86_400)
  SEARCH_CACHE_TTL_S = 900;

  // --- rate limit per provider (per replica) and backoff (shared through Redis) ---
  /** One request per this many ms per provider on average; 0 = no limit. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  PROVIDER_MIN_INTERVAL_MS = 500;

  /** Requests a provider may get at once before the interval applies. */
  @IsInt()
  @Min(1)
  @Max(1_000)
  PROVIDER_BURST = 5;

  /** A request waits at most this long for its turn; longer and the provider is skipped. */
  @IsInt()
  @Min(0)
  @Max(120_000)
  PROVIDER_MAX_WAIT_MS = 3_000;

  /** First pause after a 429 without Retry-After; doubles on each further 429. */
  @IsInt()
  @Min(100)
  PROVIDER_BACKOFF_MS = 30_000;

  @IsInt()
  @Min(100)
  PROVIDER_BACKOFF_MAX_MS = 600_000;

  // --- AI summary ---
  /** Top results given to ai-router as numbered sources. */
  @IsInt()
  @Min(1)
  @Max(20)
  SUMMARY_MAX_SOURCES = 5;

  /** Cap on the prompt built from the sources (characters): fits small local models. */
  @IsInt()
  @Min(200)
  @Max(200_000)
  SUMMARY_MAX_PROMPT_CHARS = 6_000;

  @IsInt()
  @Min(1)
  @Max(8192)
  SUMMARY_MAX_TOKENS = 400;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  SUMMARY_TEMPERATURE = 0.2;

  /**
   * Longest wait for ai-router (a whole answer, or the gap between streamed tokens), ms. Keep it
   * (with FETCH_TIMEOUT_MS) below the gateway's TRANSPORT_TIMEOUT_MS (30 s): then a slow model gives results plus a
   * summary_error instead of a 504 with nothing.
   */
  @IsInt()
  @Min(100)
  SUMMARY_TIMEOUT_MS = 20_000;

  // --- page fetching for summaries (SSRF-guarded) ---
  /** Default for options.fetch_pages. */
  @IsBoolean()
  FETCH_PAGES = false;

  @IsInt()
  @Min(1)
  @Max(10)
  FETCH_MAX_PAGES = 3;

  /** Bytes read per page (after decompression); the rest is dropped. */
  @IsInt()
  @Min(1_024)
  @Max(20_000_000)
  FETCH_MAX_BYTES = 1_000_000;

  @IsInt()
  @Min(100)
  @Max(60_000)
  FETCH_TIMEOUT_MS = 5_000;

  @IsInt()
  @Min(0)
  @Max(10)
  FETCH_MAX_REDIRECTS = 3;
}

/** search service message patterns. WARNING: renaming one breaks replicas of other versions in a rolling deploy. */
export const SEARCH_PATTERNS = {
  /** Web search, optionally with an AI summary: SearchCommand -> SearchResponseDto. */
  web: 'search.web',
  /** Same, streamed: `results` first, then summary `token`s, then `done` (SearchStreamEvent). */
  webStream: 'search.web.stream',
  /** Video search: VideoSearchCommand -> VideoSearchResponseDto. */
  videos: 'search.videos',
} as const;

/** Web search providers, in the default fallback order. */
export const WEB_SEARCH_PROVIDERS = ['duckduckgo', 'searxng', 'brave'] as const;
export type WebSearchProviderName = (typeof WEB_SEARCH_PROVIDERS)[number];

/** Video search providers, in the default fallback order. */
export const VIDEO_SEARCH_PROVIDERS = ['youtube', 'duckduckgo', 'searxng'] as const;
export type VideoSearchProviderName = (typeof VIDEO_SEARCH_PROVIDERS)[number];

export const SAFE_SEARCH_LEVELS = ['off', 'moderate', 'strict'] as const;
export type SafeSearchLevel = (typeof SAFE_SEARCH_LEVELS)[number];

export const TIME_RANGES = ['day', 'week', 'month', 'year'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

export const MAX_QUERY_CHARS = 500;
export const MAX_SEARCH_RESULTS = 50;
export const DEFAULT_SEARCH_RESULTS = 10;
/** language-COUNTRY as in BCP 47 ("en-US", "de-DE"); each provider gets it in its own form. */
export const REGION_PATTERN = /^[a-z]{2}-[a-z]{2}$/i;

import type { SafeSearchLevel, SearchResultDto, TimeRange, VideoResultDto } from '@nitro/contracts';

/** A search as every provider receives it (defaults applied, region in "en-US" form). */
export interface SearchQuery {
  query: string;
  maxResults: number;
  region?: string;
  safeSearch: SafeSearchLevel;
  timeRange?: TimeRange;
}

/** A result before ranking: the service numbers them (position) after the provider answers. */
export type WebHit = Omit<SearchResultDto, 'position'>;
export type VideoHit = Omit<VideoResultDto, 'position'>;

/**
 * One search vendor. Implementations throw ProviderError for anything that should make the chain
 * try the next provider (timeouts, 429, a changed page layout) and return [] for "no results".
 */
export interface SearchProvider<T> {
  readonly name: string;
  /** Why this provider cannot be used, naming what to configure (e.g. "set SEARXNG_URL"); null when ready. */
  unavailable(): string | null;
  search(query: SearchQuery, signal?: AbortSignal): Promise<T[]>;
}

export type WebSearchProvider = SearchProvider<WebHit>;
export type VideoSearchProvider = SearchProvider<VideoHit>;

/** DI tokens: the providers built from config, in no particular order (the chain orders them). */
export const WEB_PROVIDERS = Symbol('WEB_PROVIDERS');
export const VIDEO_PROVIDERS = Symbol('VIDEO_PROVIDERS');

/** "en-US" -> { lang: "en", country: "US" }. */
export function splitRegion(region?: string): { lang: string; country: string } | undefined {
  if (!region) return undefined;
  const [lang, country] = region.split('-');
  return { lang: lang.toLowerCase(), country: country.toUpperCase() };
}

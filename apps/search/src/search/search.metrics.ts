import { counter, histogram } from '@nitro/observability';

/** Created on first import, registered once per process (get-or-create). */
export const searchMetrics = {
  cacheHits: counter('nitro_search_cache_hits_total', 'Search results served from the Redis cache', ['kind']),
  cacheMisses: counter('nitro_search_cache_misses_total', 'Searches not found in the Redis cache', ['kind']),
  providerRequests: counter('nitro_search_provider_requests_total', 'Calls to a search provider by outcome (ok or a failure kind)', [
    'kind',
    'provider',
    'outcome',
  ]),
  providerDuration: histogram('nitro_search_provider_duration_seconds', 'Latency of search provider calls', ['kind', 'provider']),
  providerBackoffs: counter('nitro_search_provider_backoffs_total', 'Pauses started after a provider asked us to slow down', ['provider']),
  summaries: counter('nitro_search_summaries_total', 'AI summaries by outcome (ok, sources_appended, failed)', ['outcome']),
  pageFetches: counter('nitro_search_page_fetches_total', 'Result pages fetched for summaries by outcome', ['outcome']),
};

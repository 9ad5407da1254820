import { Module, Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SearchEnv, redisTopology } from '@nitro/config';
import { REDIS_CLIENT } from '@nitro/service-kit';
import { aiRouterClientProviders } from '@nitro/transport';
import { SearchCache } from '../cache/search-cache';
import { BraveProvider } from '../providers/brave.provider';
import { DuckDuckGoHtmlProvider } from '../providers/duckduckgo-html.provider';
import { DuckDuckGoVideosProvider } from '../providers/duckduckgo-videos.provider';
import { SearxngProvider, SearxngVideosProvider } from '../providers/searxng.provider';
import type { VideoHit, WebHit } from '../providers/web-search-provider.interface';
import { YoutubeProvider } from '../providers/youtube.provider';
import { ProviderRateLimiter } from '../rate-limit/provider-rate-limiter';
import { RedisBackoffStore } from '../rate-limit/redis-backoff.store';
import { PageFetcher } from '../summary/page-fetcher';
import { SummaryService } from '../summary/summary.service';
import { ProviderChain } from './provider-chain';
import { ResultLookup } from './result-lookup';
import { SearchHandler } from './search.handler';
import { VIDEO_LOOKUP, VideoSearchService } from './video-search.service';
import { WEB_LOOKUP, WebSearchService } from './web-search.service';

const providers: Provider[] = [
  {
    provide: SearchCache,
    inject: [REDIS_CLIENT, SearchEnv],
    useFactory: (redis: Redis, env: SearchEnv) => new SearchCache(redis, env.SEARCH_CACHE_TTL_S),
  },
  {
    provide: ProviderRateLimiter,
    inject: [REDIS_CLIENT, SearchEnv],
    useFactory: (redis: Redis, env: SearchEnv) =>
      new ProviderRateLimiter(
        {
          minIntervalMs: env.PROVIDER_MIN_INTERVAL_MS,
          burst: env.PROVIDER_BURST,
          maxWaitMs: env.PROVIDER_MAX_WAIT_MS,
          backoffMs: env.PROVIDER_BACKOFF_MS,
          backoffMaxMs: env.PROVIDER_BACKOFF_MAX_MS,
        },
        new RedisBackoffStore(redis),
      ),
  },
  {
    provide: WEB_LOOKUP,
    inject: [SearchEnv, ProviderRateLimiter, SearchCache],
    useFactory: (env: SearchEnv, limiter: ProviderRateLimiter, cache: SearchCache) =>
      new ResultLookup<WebHit>(
        'web',
        new ProviderChain(
          'web',
          [new DuckDuckGoHtmlProvider(env), new SearxngProvider(env), new BraveProvider(env)],
          env.SEARCH_PROVIDERS,
          limiter,
        ),
        cache,
      ),
  },
  {
    provide: VIDEO_LOOKUP,
    inject: [SearchEnv, ProviderRateLimiter, SearchCache],
    useFactory: (env: SearchEnv, limiter: ProviderRateLimiter, cache: SearchCache) =>
      new ResultLookup<VideoHit>(
        'video',
        new ProviderChain(
          'video',
          [new YoutubeProvider(env), new DuckDuckGoVideosProvider(env), new SearxngVideosProvider(env)],
          env.VIDEO_PROVIDERS,
          limiter,
        ),
        cache,
      ),
  },
  {
    provide: PageFetcher,
    inject: [SearchEnv],
    useFactory: (env: SearchEnv) =>
      new PageFetcher({
        timeoutMs: env.FETCH_TIMEOUT_MS,
        maxBytes: env.FETCH_MAX_BYTES,
        maxRedirects: env.FETCH_MAX_REDIRECTS,
        userAgent: env.SEARCH_USER_AGENT,
      }),
  },
  // Summaries are chats with ai-router over the transport; the client closes with the app (OnApplicationShutdown).
  ...aiRouterClientProviders({
    inject: [SearchEnv],
    useFactory: (env: SearchEnv) => ({ redisUrl: redisTopology(env), timeoutMs: env.SUMMARY_TIMEOUT_MS, maxLen: env.TRANSPORT_MAX_LEN }),
  }),
  SummaryService,
  WebSearchService,
  VideoSearchService,
];

@Module({ controllers: [SearchHandler], providers })
export class SearchModule {}

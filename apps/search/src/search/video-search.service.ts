import { validateDto } from '@nitro/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import { VideoSearchRequestDto, type VideoSearchResponseDto } from '@nitro/contracts';
import type { VideoHit } from '../providers/web-search-provider.interface';
import { ResultLookup, toSearchQuery } from './result-lookup';
import { ranked } from './web-search.service';

export const VIDEO_LOOKUP = Symbol('VIDEO_LOOKUP');

/** Video search: YouTube, DuckDuckGo videos or SearXNG's videos category, cached like web results. */
@Injectable()
export class VideoSearchService {
  constructor(@Inject(VIDEO_LOOKUP) private readonly lookup: ResultLookup<VideoHit>) {}

  async search(data: unknown): Promise<VideoSearchResponseDto> {
    const started = Date.now();
    const req = validateDto(VideoSearchRequestDto, data, 'the search command');
    const found = await this.lookup.find(toSearchQuery(req), req.options?.provider);
    return {
      query: req.query,
      provider: found.provider,
      cached: found.cached,
      fallbacks: found.fallbacks,
      results: ranked(found.hits),
      timestamp: new Date().toISOString(),
      took_ms: Date.now() - started,
    };
  }
}

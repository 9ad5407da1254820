import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SEARCH_PATTERNS } from '@nitro/contracts';
import { VideoSearchService } from './video-search.service';
import { WebSearchService } from './web-search.service';

/** search.* message handlers: each delegates to its service in one line. */
@Controller()
export class SearchHandler {
  constructor(
    private readonly web: WebSearchService,
    private readonly videos: VideoSearchService,
  ) {}

  @MessagePattern(SEARCH_PATTERNS.web)
  search(@Payload() data: unknown) {
    return this.web.search(data);
  }

  @MessagePattern(SEARCH_PATTERNS.webStream)
  searchStream(@Payload() data: unknown) {
    return this.web.stream(data);
  }

  @MessagePattern(SEARCH_PATTERNS.videos)
  videoSearch(@Payload() data: unknown) {
    return this.videos.search(data);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import {
  SEARCH_CLIENT,
  SEARCH_PATTERNS,
  type SearchCommand,
  type SearchRequestDto,
  type SearchResponseDto,
  type SearchStreamEvent,
  type VideoSearchCommand,
  type VideoSearchRequestDto,
  type VideoSearchResponseDto,
} from '@nitro/contracts';
import { assertCanAccess, type AuthUser } from '../auth/auth-user';
import { call, stream } from '../services/service-call';

/** Search at the edge: validated by the pipe, the caller may search as `user_id`; the search service does the work. */
@Injectable()
export class SearchService {
  constructor(@Inject(SEARCH_CLIENT) private readonly search: ClientProxy) {}

  web(user: AuthUser, dto: SearchRequestDto): Promise<SearchResponseDto> {
    assertCanAccess(user, dto.user_id);
    return call(this.search, SEARCH_PATTERNS.web, toCommand(dto));
  }

  webStream(user: AuthUser, dto: SearchRequestDto): Observable<SearchStreamEvent> {
    assertCanAccess(user, dto.user_id);
    return stream(this.search, SEARCH_PATTERNS.webStream, toCommand(dto));
  }

  videos(user: AuthUser, dto: VideoSearchRequestDto): Promise<VideoSearchResponseDto> {
    assertCanAccess(user, dto.user_id);
    return call(this.search, SEARCH_PATTERNS.videos, toCommand(dto));
  }
}

/** DTO instances -> plain JSON for the wire (no undefined keys). */
function toCommand<T extends SearchCommand | VideoSearchCommand>(dto: T): T {
  return JSON.parse(JSON.stringify(dto)) as T;
}

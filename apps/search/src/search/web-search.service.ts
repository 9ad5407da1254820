import { validateDto } from '@nitro/service-kit';
import { Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import {
  SearchRequestDto,
  type SearchResponseDto,
  type SearchResultDto,
  type SearchStreamEvent,
  type SummaryErrorDto,
} from '@nitro/contracts';
import { SearchEnv } from '@nitro/config';
import type { WebHit } from '../providers/web-search-provider.interface';
import { SummaryService, type SummaryRequest } from '../summary/summary.service';
import { ResultLookup, toSearchQuery, type LookupResult } from './result-lookup';

export const WEB_LOOKUP = Symbol('WEB_LOOKUP');

/** Web search: results (cached or from the provider chain), then an optional cited summary. */
@Injectable()
export class WebSearchService {
  constructor(
    private readonly env: SearchEnv,
    @Inject(WEB_LOOKUP) private readonly lookup: ResultLookup<WebHit>,
    private readonly summary: SummaryService,
  ) {}

  async search(data: unknown): Promise<SearchResponseDto> {
    const started = Date.now();
    const req = validateDto(SearchRequestDto, data, 'the search command');
    const found = await this.lookup.find(toSearchQuery(req), req.options?.provider);
    const response: SearchResponseDto = {
      ...this.header(req, found),
      results: ranked(found.hits),
      summary: null,
      timestamp: new Date().toISOString(),
      took_ms: 0,
    };
    const summaryReq = this.summaryRequest(req, response.results);
    if (summaryReq) {
      try {
        response.summary = await this.summary.summarize(summaryReq);
      } catch (err) {
        response.summary_error = summaryError(err);
      }
    }
    response.took_ms = Date.now() - started;
    return response;
  }

  /** `results` as soon as they are known, then the summary's tokens, then `done`. */
  stream(data: unknown): Observable<SearchStreamEvent> {
    return new Observable<SearchStreamEvent>((subscriber) => {
      const abort = new AbortController();
      const started = Date.now();
      (async () => {
        const req = validateDto(SearchRequestDto, data, 'the search command');
        const found = await this.lookup.find(toSearchQuery(req), req.options?.provider);
        const results = ranked(found.hits);
        subscriber.next({ type: 'results', ...this.header(req, found), results });
        const summaryReq = this.summaryRequest(req, results);
        let done: Extract<SearchStreamEvent, { type: 'done' }> = { type: 'done', summary: null, took_ms: 0 };
        if (summaryReq) {
          try {
            done.summary = await this.summary.stream(summaryReq, (text) => subscriber.next({ type: 'token', text }), abort.signal);
          } catch (err) {
            done = { ...done, summary_error: summaryError(err) };
          }
        }
        if (abort.signal.aborted) return;
        subscriber.next({ ...done, took_ms: Date.now() - started });
        subscriber.complete();
      })().catch((err) => subscriber.error(err));
      return () => abort.abort();
    });
  }

  private header(req: SearchRequestDto, found: LookupResult<WebHit>) {
    return { query: req.query, provider: found.provider, cached: found.cached, fallbacks: found.fallbacks };
  }

  private summaryRequest(req: SearchRequestDto, results: SearchResultDto[]): SummaryRequest | undefined {
    if (req.options?.summarize === false || !results.length) return undefined;
    return { userId: req.user_id, query: req.query, results, fetchPages: req.options?.fetch_pages ?? this.env.FETCH_PAGES };
  }
}

export function ranked<T>(hits: T[]): (T & { position: number })[] {
  return hits.map((h, i) => ({ position: i + 1, ...h }));
}

/** ai-router's error payload, a transport error or anything else -> what the caller sees. */
function summaryError(err: unknown): SummaryErrorDto {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof e?.status === 'number' ? e.status : 502;
  return {
    status,
    code: typeof e?.code === 'string' ? e.code : 'SUMMARY_FAILED',
    message: `summary unavailable: ${typeof e?.message === 'string' ? e.message : String(err)}`,
  };
}

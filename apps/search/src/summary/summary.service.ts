import { Injectable } from '@nestjs/common';
import { AiRouterClient } from '@nitro/transport';
import { Observable } from 'rxjs';
import { ChatCommand, ChatStreamEvent, SearchResultDto, SearchSummaryDto } from '@nitro/contracts';
import { SearchEnv } from '@nitro/config';
import { getLogger } from '@nitro/observability';
import { searchMetrics } from '../search/search.metrics';
import { CitationStreamFilter, finalizeCitations } from './citations';
import { PageFetcher } from './page-fetcher';
import { buildSummaryPrompt, type PromptSource } from './summary-prompt';

export interface SummaryRequest {
  userId: string;
  query: string;
  results: SearchResultDto[];
  fetchPages: boolean;
}

/**
 * Turns results into a cited summary: numbered sources (optionally with page text) go to
 * ai-router as an ephemeral chat (nothing lands in the user's history); the answer keeps only
 * citations that map to those sources, and gets a source list when it cites none.
 */
@Injectable()
export class SummaryService {
  constructor(
    private readonly env: SearchEnv,
    private readonly aiRouter: AiRouterClient,
    private readonly pages: PageFetcher,
  ) {}

  async summarize(req: SummaryRequest, signal?: AbortSignal): Promise<SearchSummaryDto> {
    const { command, used, pagesFetched } = await this.prepare(req, signal);
    const answer = await this.aiRouter.send(command);
    const final = finalizeCitations(answer.response ?? '', used);
    searchMetrics.summaries.inc({ outcome: final.added ? 'sources_appended' : 'ok' });
    return {
      text: final.text,
      citations: final.citations,
      citations_added: final.added,
      ai_model: answer.ai_model,
      ai_source: answer.ai_source,
      pages_fetched: pagesFetched,
    };
  }

  /** Streams the cleaned summary text through onToken; resolves with the same summary as summarize(). */
  async stream(req: SummaryRequest, onToken: (text: string) => void, signal?: AbortSignal): Promise<SearchSummaryDto> {
    const { command, used, pagesFetched } = await this.prepare(req, signal);
    const filter = new CitationStreamFilter(used.length);
    let text = '';
    const emit = (piece: string) => {
      if (!piece) return;
      text += piece;
      onToken(piece);
    };
    const meta = await consume(this.aiRouter.stream(command), (t) => emit(filter.push(t)), signal);
    emit(filter.flush());
    const final = finalizeCitations(text, used);
    emit(final.appended);
    searchMetrics.summaries.inc({ outcome: final.added ? 'sources_appended' : 'ok' });
    return {
      text: final.text,
      citations: final.citations,
      citations_added: final.added,
      ai_model: meta.ai_model,
      ai_source: meta.ai_source,
      pages_fetched: pagesFetched,
    };
  }

  private async prepare(
    req: SummaryRequest,
    signal?: AbortSignal,
  ): Promise<{ command: ChatCommand; used: SearchResultDto[]; pagesFetched: number }> {
    const top = req.results.slice(0, this.env.SUMMARY_MAX_SOURCES);
    const sources: PromptSource[] = top.map((result) => ({ result }));
    let pagesFetched = 0;
    if (req.fetchPages) {
      const targets = sources.slice(0, this.env.FETCH_MAX_PAGES);
      await Promise.all(
        targets.map(async (s) => {
          try {
            s.pageText = (await this.pages.fetch(s.result.url, signal)).text;
            pagesFetched++;
            searchMetrics.pageFetches.inc({ outcome: 'ok' });
          } catch (err) {
            const blocked = (err as { code?: string }).code === 'ERR_BLOCKED_ADDRESS';
            searchMetrics.pageFetches.inc({ outcome: blocked ? 'blocked' : 'failed' });
            getLogger().info({ url: s.result.url, reason: (err as Error).message }, blocked ? 'page fetch refused' : 'page fetch failed');
          }
        }),
      );
    }
    const { prompt, used } = buildSummaryPrompt(req.query, sources, this.env.SUMMARY_MAX_PROMPT_CHARS);
    const command: ChatCommand = {
      message: prompt,
      user_id: req.userId,
      ephemeral: true,
      options: { max_tokens: this.env.SUMMARY_MAX_TOKENS, temperature: this.env.SUMMARY_TEMPERATURE },
    };
    return { command, used, pagesFetched };
  }
}

/** Feeds token texts to onToken; resolves with the model that answered; rejects on an error event. */
function consume(
  source: Observable<ChatStreamEvent>,
  onToken: (text: string) => void,
  signal?: AbortSignal,
): Promise<{ ai_model: string; ai_source: string }> {
  return new Promise((resolve, reject) => {
    const meta = { ai_model: 'unknown', ai_source: 'unknown' };
    const sub = source.subscribe({
      next: (e) => {
        if (e.type === 'token') onToken(e.text);
        else if (e.type === 'meta' || e.type === 'done') Object.assign(meta, { ai_model: e.ai_model, ai_source: e.ai_source });
        else if (e.type === 'error') reject(e);
      },
      error: reject,
      complete: () => resolve(meta),
    });
    signal?.addEventListener('abort', () => {
      sub.unsubscribe();
      reject(new Error('the client went away'));
    });
  });
}

import { AiRouterClient } from '@nitro/transport';
import type { ClientProxy } from '@nestjs/microservices';
import { of } from 'rxjs';
import { CHAT_PATTERNS, type ChatCommand, type ChatStreamEvent, type SearchResultDto } from '@nitro/contracts';
import { loadConfig, SearchEnv } from '@nitro/config';
import type { PageFetcher } from './page-fetcher';
import { SummaryService } from './summary.service';

const results: SearchResultDto[] = [1, 2, 3].map((n) => ({
  position: n,
  title: `Title ${n}`,
  url: `https://s${n}.example/`,
  snippet: `Snippet ${n}`,
  source: `s${n}.example`,
}));

/** An ai-router stand-in: answers chat.send with `answer`, chat.stream with `tokens`, and records the commands. */
function aiRouter(answer: string, tokens: string[]) {
  const sent: { pattern: string; cmd: ChatCommand }[] = [];
  const client = {
    send: (pattern: string, cmd: ChatCommand) => {
      sent.push({ pattern, cmd });
      if (pattern === CHAT_PATTERNS.send) return of({ response: answer, ai_model: 'phi3', ai_source: 'ollama' });
      const events: ChatStreamEvent[] = [
        { type: 'meta', session_id: 's', ai_model: 'phi3', ai_source: 'ollama' },
        ...tokens.map((text) => ({ type: 'token' as const, text })),
      ];
      return of(...events);
    },
  } as unknown as ClientProxy;
  return { client, sent };
}

const pages = {
  fetch: async (url: string) => ({ url, title: '', text: `Page text of ${url}`, bytes: 10, truncated: false }),
} as unknown as PageFetcher;
const env = loadConfig(SearchEnv, { SUMMARY_MAX_SOURCES: '2', FETCH_MAX_PAGES: '1' });

describe('SummaryService', () => {
  it('asks ai-router for an ephemeral answer over the top numbered sources, and keeps valid citations', async () => {
    const { client, sent } = aiRouter('Streams are logs [1]. Groups [2, 3]. Wrong [9].', []);
    const summary = await new SummaryService(env, new AiRouterClient(client), pages).summarize({
      userId: 'alice',
      query: 'streams?',
      results,
      fetchPages: true,
    });
    expect(summary).toEqual({
      text: 'Streams are logs [1]. Groups [2]. Wrong.',
      citations: [
        { n: 1, title: 'Title 1', url: 'https://s1.example/', source: 's1.example' },
        { n: 2, title: 'Title 2', url: 'https://s2.example/', source: 's2.example' },
      ],
      citations_added: false,
      ai_model: 'phi3',
      ai_source: 'ollama',
      pages_fetched: 1,
    });
    const [{ pattern, cmd }] = sent;
    expect(pattern).toBe(CHAT_PATTERNS.send);
    expect(cmd).toMatchObject({ user_id: 'alice', ephemeral: true, options: { max_tokens: env.SUMMARY_MAX_TOKENS } });
    expect(cmd.message).toContain('[1] Title 1 (s1.example)\nSnippet 1\nPage text of https://s1.example/');
    expect(cmd.message).toContain('[2] Title 2 (s2.example)\nSnippet 2\n');
    expect(cmd.message).not.toContain('Title 3');
  });

  it('streams cleaned tokens and ends with the appended sources when the model cites nothing', async () => {
    const { client } = aiRouter('', ['Once upon', ' a time [', '7] there', ' was a dog.']);
    const tokens: string[] = [];
    const summary = await new SummaryService(env, new AiRouterClient(client), pages).stream(
      { userId: 'alice', query: 'q', results, fetchPages: false },
      (t) => tokens.push(t),
    );
    expect(tokens.join('')).toBe(summary.text);
    expect(summary.text).toBe(
      'Once upon a time there was a dog.\n\nSources:\n[1] Title 1 (https://s1.example/)\n[2] Title 2 (https://s2.example/)',
    );
    expect(summary.citations_added).toBe(true);
    expect(summary.citations.map((c) => c.n)).toEqual([1, 2]);
    expect(summary.pages_fetched).toBe(0);
  });
});

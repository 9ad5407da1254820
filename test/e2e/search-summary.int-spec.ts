import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_LOG_DIR } from '@nitro/testing';
import { fakeProviderEnv, startFakeProviders, type FakeProviders } from '../../apps/search/test/support/fake-providers';
import { Platform, readSse, startPlatform } from '../support/platform';
import { metricValue } from '../../apps/search/test/support/prom-text';

jest.setTimeout(180_000);
const json = (res: Response): Promise<any> => res.json();

interface Result {
  position: number;
  title: string;
  url: string;
  source: string;
}
interface Citation {
  n: number;
  title: string;
  url: string;
  source: string;
}

/** Every citation names a listed result (same number, title and URL) and appears in the text as [n]. */
function expectCitationsMapToResults(summary: { text: string; citations: Citation[] }, results: Result[]) {
  expect(summary.citations.length).toBeGreaterThan(0);
  for (const c of summary.citations) {
    const r = results[c.n - 1];
    expect(r).toBeDefined();
    expect(c).toEqual({ n: r.position, title: r.title, url: r.url, source: r.source });
    expect(summary.text).toContain(`[${c.n}]`);
  }
  // No [n] in the text points past the listed results.
  for (const m of summary.text.matchAll(/\[(\d+)\]/g)) expect(Number(m[1])).toBeLessThanOrEqual(results.length);
}

/**
 * The AI summary end to end: gateway, search and ai-router as separate processes, providers as
 * local servers, the summary written by the tiny local test model (stories260K, which writes
 * children's stories and never cites). Citations are therefore guaranteed by the search service
 * (invalid ones dropped, a "Sources: [1] … [n]" list appended when the model cites none): these
 * tests check that contract, not the model's prose.
 */
describe('search summary end to end (gateway + search + ai-router on the local model)', () => {
  let p: Platform;
  let fake: FakeProviders;
  const searchMetrics = async () =>
    (await fetch(`http://127.0.0.1:${(p.procs.get('search') as unknown as { port: number }).port}/metrics`)).text();

  beforeAll(async () => {
    fake = await startFakeProviders();
    p = await startPlatform({
      services: ['ai-router', 'search'],
      appEnv: {
        gateway: { RATE_LIMIT_ENABLED: 'false' },
        'ai-router': { AI_PROVIDERS: 'local' },
        search: {
          ...fakeProviderEnv(fake),
          PROVIDER_MIN_INTERVAL_MS: '0',
          SUMMARY_MAX_TOKENS: '48',
          SUMMARY_TEMPERATURE: '0',
          SUMMARY_MAX_PROMPT_CHARS: '1500',
        },
      },
    });
  });
  afterAll(async () => {
    await p?.stop();
    await fake?.close();
  });

  it('summarises with citations that each map to a listed result; the second call is a cache hit', async () => {
    const before = await searchMetrics();
    const body = { query: 'What are Redis streams?', user_id: p.userId, options: { max_results: 4 } };
    const res = await p.request('/search', { method: 'POST', json: body });
    expect(res.status).toBe(200);
    const first = await json(res);
    expect(first.summary_error).toBeUndefined();
    expect(first.summary).toMatchObject({ ai_source: 'local', pages_fetched: 0, citations_added: expect.any(Boolean) });
    expect(first.summary.ai_model).toEqual(expect.any(String));
    expectCitationsMapToResults(first.summary, first.results);
    // Kept for people reading test output: what the tiny model and the citation assembly produced.
    mkdirSync(TEST_LOG_DIR, { recursive: true });
    writeFileSync(join(TEST_LOG_DIR, 'search-summary-sample.json'), JSON.stringify(first.summary, null, 2));
    if (first.summary.citations_added)
      expect(first.summary.text).toMatch(
        /Sources:\n\[1\] Redis Streams \| Docs \(https:\/\/redis\.io\/docs\/latest\/develop\/data-types\/streams\/\)/,
      );

    const second = await json(await p.request('/search', { method: 'POST', json: body }));
    expect(second.cached).toBe(true);
    expect(second.results).toEqual(first.results);
    expectCitationsMapToResults(second.summary, second.results);
    const after = await searchMetrics();
    expect(
      metricValue(after, 'nitro_search_cache_hits_total', 'kind="web"') -
        metricValue(before, 'nitro_search_cache_hits_total', 'kind="web"'),
    ).toBe(1);
    expect(fake.count('duckduckgo')).toBe(1);
  });

  it('streams results first, then summary tokens, then done whose text is the tokens joined', async () => {
    const res = await p.request('/search/stream', { method: 'POST', json: { query: 'How do consumer groups work?', user_id: p.userId } });
    expect(res.status).toBe(200);
    const events = await readSse(res);
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe('results');
    expect(kinds.filter((k) => k === 'token').length).toBeGreaterThan(1);
    expect(kinds[kinds.length - 1]).toBe('done');
    expect(kinds.slice(1, -1).every((k) => k === 'token')).toBe(true);
    const done = events[events.length - 1].data;
    const joined = events
      .filter((e) => e.event === 'token')
      .map((e) => e.data.text)
      .join('');
    expect(done.summary.text).toBe(joined);
    expectCitationsMapToResults(done.summary, events[0].data.results);
  });

  it('summaries are ephemeral: nothing lands in the chat history', async () => {
    const res = await p.request(`/chat/history/${p.userId}`);
    expect(res.status).toBe(200);
    expect((await json(res)).messages).toEqual([]);
  });
});

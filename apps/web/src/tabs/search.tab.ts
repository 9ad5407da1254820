import { currentSession } from '../api';
import { busy, checkbox, clear, field, h, select } from '../dom';
import { problemBox } from '../problem';
import { citedText, focusResult, shortDate } from '../search/citations';
import { postSse } from '../sse';
import type { SearchResultDto, SearchSummaryDto } from '@nitro/contracts';

type Result = SearchResultDto;
type Summary = SearchSummaryDto;
interface State {
  query: string;
  provider?: string;
  cached?: boolean;
  results: Result[];
  summaryText: string;
  summary?: Summary | null;
  summaryError?: string;
  tookMs?: number;
  error?: { message: string; code?: string };
}

/** The last search stays on screen when the person comes back to the tab. */
let last: State | null = null;

/** Web search: results first, then the AI summary as it is written, with [n] linking to result n. */
export function searchTab(root: HTMLElement, signal: AbortSignal): void {
  const user = currentSession()!.userId;
  const query = h('input', {
    type: 'search',
    name: 'q',
    required: true,
    maxlength: 500,
    placeholder: 'What do you want to know?',
    autocomplete: 'off',
    enterkeyhint: 'search',
  });
  const summarize = checkbox('Write an AI summary with citations', true);
  const range = select(
    [
      ['', 'Any time'],
      ['day', 'Past day'],
      ['week', 'Past week'],
      ['month', 'Past month'],
      ['year', 'Past year'],
    ],
    '',
  );
  const safe = select(
    [
      ['moderate', 'Moderate'],
      ['strict', 'Strict'],
      ['off', 'Off'],
    ],
    'moderate',
  );
  const go = h('button', { type: 'submit', class: 'btn-primary' }, 'Search');
  const out = h('div', { class: 'search-out', 'aria-live': 'polite', 'aria-busy': 'false' });
  const form = h(
    'form',
    { class: 'card search-form', role: 'search', onsubmit: (e: Event) => (e.preventDefault(), void busy(go, 'Searching…', run)) },
    h('h2', { class: 'visually-hidden' }, 'Web search'),
    h('div', { class: 'row' }, field('Search the web', query), go),
    h('div', { class: 'row options' }, summarize.el, field('Time', range), field('Safe search', safe)),
  );
  root.append(form, out);

  let controller: AbortController | null = null;
  signal.addEventListener('abort', () => controller?.abort());

  async function run() {
    controller?.abort();
    controller = new AbortController();
    const state: State = { query: query.value.trim(), results: [], summaryText: '' };
    if (!state.query) return;
    last = state;
    out.setAttribute('aria-busy', 'true');
    draw(state);
    const options: Record<string, unknown> = { summarize: summarize.input.checked, safe_search: safe.value, max_results: 8 };
    if (range.value) options.time_range = range.value;
    try {
      await postSse(
        '/search/stream',
        { query: state.query, user_id: user, options },
        (e) => {
          if (e.event === 'results') Object.assign(state, { provider: e.data.provider, cached: e.data.cached, results: e.data.results });
          else if (e.event === 'token') {
            state.summaryText += e.data.text;
            // Tokens only touch the summary paragraph, so focus and scroll in the results stay put.
            const p = out.querySelector('.summary-text');
            if (p) return void (p.textContent = state.summaryText);
          } else if (e.event === 'done')
            Object.assign(state, { summary: e.data.summary, summaryError: e.data.summary_error?.message, tookMs: e.data.took_ms });
          else if (e.event === 'error') state.error = { message: e.data.message, code: e.data.code };
          draw(state);
        },
        controller.signal,
      );
    } catch (err) {
      if ((err as Error).name !== 'AbortError') state.error = err as Error & { code?: string };
    }
    out.setAttribute('aria-busy', 'false');
    draw(state);
  }

  function draw(s: State) {
    clear(out);
    if (s.error) {
      out.append(problemBox(s.error, 'search', () => void busy(go, 'Searching…', run)));
      return;
    }
    const wantSummary = s.summary !== undefined ? s.summary !== null || !!s.summaryError : summarize.input.checked;
    if (wantSummary && (s.results.length || s.summaryText)) out.append(summaryCard(s));
    if (!s.results.length) {
      out.append(h('p', { class: 'muted' }, s.provider ? 'No results.' : 'Searching…'));
      return;
    }
    const meta = [
      `${s.results.length} results from ${s.provider}`,
      s.cached ? 'cached' : '',
      s.tookMs !== undefined ? `${(s.tookMs / 1000).toFixed(1)} s` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    out.append(
      h('h2', { class: 'section-title' }, 'Results'),
      h('p', { class: 'muted small' }, meta),
      h(
        'ol',
        { class: 'results' },
        ...s.results.map((r) =>
          h(
            'li',
            { id: `result-${r.position}`, tabindex: '-1', class: 'result' },
            h('span', { class: 'result-n', 'aria-hidden': 'true' }, String(r.position)),
            h(
              'div',
              {},
              h('a', { href: safeHref(r.url), target: '_blank', rel: 'noopener noreferrer', class: 'result-title' }, r.title || r.url),
              h('div', { class: 'source' }, r.source, r.published_at ? ` · ${shortDate(r.published_at)}` : ''),
              r.snippet ? h('p', { class: 'snippet' }, r.snippet) : null,
            ),
          ),
        ),
      ),
    );
  }

  function summaryCard(s: State): HTMLElement {
    const card = h(
      'section',
      { class: 'card summary', 'aria-labelledby': 'summary-title' },
      h('h2', { id: 'summary-title', class: 'section-title' }, 'AI summary'),
    );
    const known = new Set(s.results.map((r) => r.position));
    const text = s.summary?.text ?? s.summaryText;
    if (text) card.append(h('p', { class: 'summary-text' }, citedText(text, known, focusResult)));
    else if (!s.summaryError) card.append(h('p', { class: 'muted' }, 'Writing a summary…'));
    if (s.summaryError) card.append(h('p', { class: 'muted' }, `No summary this time: ${s.summaryError}`));
    if (s.summary)
      card.append(
        h(
          'p',
          { class: 'muted small' },
          `${s.summary.ai_source} / ${s.summary.ai_model}${s.summary.pages_fetched ? ` · read ${s.summary.pages_fetched} pages` : ''}`,
        ),
      );
    if (s.summary === undefined && text) card.classList.add('streaming');
    return card;
  }

  if (last) {
    query.value = last.query;
    draw(last);
  } else query.focus();
}

/** Only web links are followed; anything else (javascript:, data:) becomes inert. */
export function safeHref(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : '#';
  } catch {
    return '#';
  }
}

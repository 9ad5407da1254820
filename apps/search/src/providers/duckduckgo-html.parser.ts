import { load } from 'cheerio';
import { ProviderError } from './provider-error';
import { collapse, FAST_HTML, httpUrl, isoDate, sourceOf } from './result-text.util';
import type { WebHit } from './web-search-provider.interface';

const PROVIDER = 'duckduckgo';

/**
 * Parses the page html.duckduckgo.com/html serves: `#links` holds `.result` blocks with an
 * `a.result__a` title (href either the target or a `//duckduckgo.com/l/?uddg=<encoded>` redirect),
 * `.result__snippet`, `.result__url` and sometimes a date beside it. Ads (`.result--ad`) and the
 * "no results" placeholder are skipped. A page with none of these markers is a changed layout or
 * a block page: that is an error, never an empty (or garbage) result list.
 */
export function parseDuckDuckGoHtml(html: string): WebHit[] {
  const $ = load(html, FAST_HTML);
  if ($('form#challenge-form, .anomaly-modal, #anomaly-modal').length) {
    throw new ProviderError(PROVIDER, 'rate_limited', 'DuckDuckGo answered with its bot challenge page');
  }
  const blocks = $('.result');
  if (!blocks.length) {
    if ($('.no-results').length) return [];
    throw new ProviderError(
      PROVIDER,
      'bad_response',
      'page has no result markup (#links/.result): the layout changed or this is not a results page',
    );
  }
  const hits: WebHit[] = [];
  let withoutTitle = 0;
  blocks.each((_, el) => {
    const block = $(el);
    if (block.is('.result--ad, .result--no-result') || block.find('.no-results').length) return;
    const link = block.find('a.result__a').first();
    const url = targetUrl(link.attr('href'));
    const title = collapse(link.text());
    if (!url || !title) {
      withoutTitle++;
      return;
    }
    if (isDuckDuckGoInternal(url)) return;
    hits.push({
      title,
      url,
      snippet: collapse(block.find('.result__snippet').first().text()),
      source: sourceOf(url),
      published_at: isoDate(dateBesideUrl(block.find('.result__extras__url').first().text())),
    });
  });
  // Result blocks but not one readable title/link: the markup inside .result changed.
  if (!hits.length && withoutTitle > 0) {
    throw new ProviderError(
      PROVIDER,
      'bad_response',
      `found ${withoutTitle} result blocks without a.result__a title links: the layout changed`,
    );
  }
  return hits;
}

/** Unwraps `//duckduckgo.com/l/?uddg=<url>&rut=…`; a direct link is used as is. */
export function targetUrl(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href, 'https://duckduckgo.com');
    if (url.hostname.endsWith('duckduckgo.com') && url.pathname === '/l/') return httpUrl(url.searchParams.get('uddg'));
    return httpUrl(url.toString());
  } catch {
    return undefined;
  }
}

function isDuckDuckGoInternal(url: string): boolean {
  const { hostname, pathname } = new URL(url);
  return hostname.endsWith('duckduckgo.com') && (pathname === '/y.js' || pathname === '/');
}

/** The extras line reads "example.com/page   2025-06-23T00:00:00.0000000" when DuckDuckGo knows a date. */
function dateBesideUrl(text: string): string | null {
  return /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/.exec(text)?.[0] ?? null;
}

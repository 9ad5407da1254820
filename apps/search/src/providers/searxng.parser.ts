import { ProviderError } from './provider-error';
import { clockSeconds, formatDuration, htmlToText, httpUrl, isoDate, sourceOf } from './result-text.util';
import type { VideoHit, WebHit } from './web-search-provider.interface';

const PROVIDER = 'searxng';

interface SearxngResult {
  url?: unknown;
  title?: unknown;
  content?: unknown;
  publishedDate?: unknown;
  pubdate?: unknown;
  thumbnail?: unknown;
  img_src?: unknown;
  iframe_src?: unknown;
  length?: unknown;
  author?: unknown;
}

/** The body of GET /search?format=json: `results` is required; everything inside is optional. */
function resultsOf(body: unknown): SearxngResult[] {
  const results = (body as { results?: unknown })?.results;
  if (!body || typeof body !== 'object' || !Array.isArray(results)) {
    throw new ProviderError(PROVIDER, 'bad_response', 'JSON without a "results" array: not a SearXNG search answer');
  }
  return results.filter((r): r is SearxngResult => !!r && typeof r === 'object');
}

export function parseSearxngWeb(body: unknown): WebHit[] {
  const hits: WebHit[] = [];
  for (const r of resultsOf(body)) {
    const url = httpUrl(r.url);
    const title = htmlToText(r.title);
    if (!url || !title) continue;
    hits.push({ title, url, snippet: htmlToText(r.content), source: sourceOf(url), published_at: isoDate(r.publishedDate ?? r.pubdate) });
  }
  return hits;
}

/** Results of `categories=videos` (template videos.html): thumbnail, iframe_src, length, author. */
export function parseSearxngVideos(body: unknown): VideoHit[] {
  const hits: VideoHit[] = [];
  for (const r of resultsOf(body)) {
    const url = httpUrl(r.url);
    const title = htmlToText(r.title);
    if (!url || !title) continue;
    const seconds = lengthSeconds(r.length);
    hits.push({
      title,
      url,
      snippet: htmlToText(r.content),
      source: sourceOf(url),
      published_at: isoDate(r.publishedDate ?? r.pubdate),
      duration: formatDuration(seconds),
      duration_s: seconds,
      channel: typeof r.author === 'string' && r.author ? htmlToText(r.author) : null,
      thumbnail: httpUrl(r.thumbnail) ?? httpUrl(r.img_src) ?? null,
      embed_url: httpUrl(r.iframe_src) ?? null,
    });
  }
  return hits;
}

/** SearXNG engines give length as "3:45", "0:03:45" or seconds. */
function lengthSeconds(value: unknown): number | null {
  return clockSeconds(typeof value === 'string' ? value.trim() : value);
}

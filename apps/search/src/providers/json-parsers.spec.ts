import { fixture } from '../../test/support/fake-providers';
import { parseBraveWeb } from './brave.provider';
import { extractVqd, parseDuckDuckGoVideos } from './duckduckgo-videos.provider';
import { ProviderError } from './provider-error';
import { parseSearxngVideos, parseSearxngWeb } from './searxng.parser';
import { parseYoutubeDurations, parseYoutubeSearch } from './youtube.provider';

const json = (name: string) => JSON.parse(fixture(name));
const kindOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ProviderError ? e.kind : 'other';
  }
  return 'none';
};

describe('SearXNG /search?format=json', () => {
  it('maps results, decodes entities, drops non-http URLs', () => {
    const hits = parseSearxngWeb(json('searxng-web.json'));
    expect(hits.map((h) => h.url)).toEqual([
      'https://redis.io/docs/latest/develop/data-types/streams/',
      'https://en.wikipedia.org/wiki/Redis',
      'https://redis.io/docs/latest/develop/data-types/streams/',
    ]);
    expect(hits[1]).toEqual({
      title: 'Redis - Wikipedia',
      url: 'https://en.wikipedia.org/wiki/Redis',
      snippet: 'Redis is an in-memory key–value database.',
      source: 'en.wikipedia.org',
      published_at: '2026-03-01T12:00:00.000Z',
    });
    expect(hits[0].published_at).toBeNull();
  });

  it('reads the videos category', () => {
    const [a, b] = parseSearxngVideos(json('searxng-videos.json'));
    expect(a).toMatchObject({
      duration: '10:42',
      duration_s: 642,
      channel: 'Redis',
      embed_url: 'https://www.youtube-nocookie.com/embed/Z8qcpXyMAiA',
      thumbnail: 'https://i.ytimg.com/vi/Z8qcpXyMAiA/hqdefault.jpg',
    });
    expect(b).toMatchObject({ duration: '1:02:03', duration_s: 3723, channel: null, source: 'vimeo.com' });
  });

  it('empty results are [], a body without results is an error', () => {
    expect(parseSearxngWeb(json('searxng-empty.json'))).toEqual([]);
    expect(kindOf(() => parseSearxngWeb({ message: 'rate limited' }))).toBe('bad_response');
  });
});

describe('Brave /res/v1/web/search', () => {
  it('maps web.results with highlights stripped and meta_url as source', () => {
    const hits = parseBraveWeb(json('brave-web.json'));
    expect(hits).toHaveLength(2);
    expect(hits[0]).toEqual({
      title: 'Redis Streams | Docs',
      url: 'https://redis.io/docs/latest/develop/data-types/streams/',
      snippet: 'A Redis stream is a data structure that acts like an append-only log.',
      source: 'redis.io',
      published_at: '2026-06-23T00:00:00.000Z',
    });
    expect(hits[1].snippet).toBe('Redis is an in-memory key–value database, used as a cache & message broker.');
  });

  it('no "web" section means no results; other shapes are errors', () => {
    expect(parseBraveWeb(json('brave-empty.json'))).toEqual([]);
    expect(kindOf(() => parseBraveWeb({ results: [] }))).toBe('bad_response');
    expect(kindOf(() => parseBraveWeb({ type: 'search', web: { results: 'x' } }))).toBe('bad_response');
  });
});

describe('YouTube Data API v3', () => {
  it('search.list items become videos with watch and embed URLs; titles unescaped', () => {
    const hits = parseYoutubeSearch(json('youtube-search.json'));
    expect(hits[0]).toMatchObject({
      id: 'Z8qcpXyMAiA',
      title: "Redis Streams in 10 minutes & why you'd use them",
      url: 'https://www.youtube.com/watch?v=Z8qcpXyMAiA',
      embed_url: 'https://www.youtube.com/embed/Z8qcpXyMAiA',
      channel: 'Redis',
      thumbnail: 'https://i.ytimg.com/vi/Z8qcpXyMAiA/hqdefault.jpg',
      published_at: '2025-05-02T15:00:07.000Z',
    });
    expect(hits[1]).toMatchObject({ channel: 'Streams & Co', thumbnail: 'https://i.ytimg.com/vi/dQw4w9WgXcQ/default.jpg' });
  });

  it('videos.list gives ISO 8601 durations', () => {
    expect([...parseYoutubeDurations(json('youtube-videos.json'))]).toEqual([
      ['Z8qcpXyMAiA', 642],
      ['dQw4w9WgXcQ', 3723],
    ]);
  });

  it('a different resource kind is an error, empty items are []', () => {
    expect(parseYoutubeSearch(json('youtube-search-empty.json'))).toEqual([]);
    expect(kindOf(() => parseYoutubeSearch({ kind: 'youtube#videoListResponse', items: [] }))).toBe('bad_response');
  });
});

describe('DuckDuckGo videos (vqd + v.js)', () => {
  it('finds the vqd token in the results page', () => {
    expect(extractVqd(fixture('duckduckgo-videos-page.html'))).toBe('4-1234567890');
    expect(extractVqd(`vqd='4-55-66'`)).toBe('4-55-66');
    expect(kindOf(() => extractVqd('<html></html>'))).toBe('bad_response');
  });

  it('maps v.js results', () => {
    const [a, b] = parseDuckDuckGoVideos(json('duckduckgo-videos.json'));
    expect(a).toMatchObject({
      url: 'https://www.youtube.com/watch?v=Z8qcpXyMAiA',
      duration: '10:42',
      duration_s: 642,
      channel: 'Redis',
      source: 'youtube.com',
      published_at: '2025-05-02T15:00:07.000Z',
    });
    expect(a.embed_url).toBe('https://www.youtube.com/embed/Z8qcpXyMAiA?autoplay=1');
    expect(b).toMatchObject({
      snippet: 'Talk recording & slides.',
      channel: 'Vimeo',
      embed_url: null,
      thumbnail: 'https://tse1.mm.bing.net/th?id=OVP.2',
      duration_s: 3723,
    });
    expect(kindOf(() => parseDuckDuckGoVideos({ error: 'x' }))).toBe('bad_response');
  });
});

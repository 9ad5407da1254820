import { cacheKey, normaliseQuery } from './cache-key';

const base = { query: 'Redis  Streams', provider: 'auto:duckduckgo', maxResults: 10, safeSearch: 'moderate' };

describe('cache keys', () => {
  it('normalises case, width and whitespace', () => {
    expect(normaliseQuery('  Redis\t STREAMS ')).toBe('redis streams');
    expect(normaliseQuery('ＲＥＤＩＳ')).toBe('redis');
    expect(cacheKey('web', base)).toBe(cacheKey('web', { ...base, query: ' redis streams ' }));
  });

  it('differs by provider, options and kind; carries no user text', () => {
    const keys = new Set([
      cacheKey('web', base),
      cacheKey('video', base),
      cacheKey('web', { ...base, provider: 'brave' }),
      cacheKey('web', { ...base, maxResults: 5 }),
      cacheKey('web', { ...base, region: 'de-DE' }),
      cacheKey('web', { ...base, safeSearch: 'strict' }),
      cacheKey('web', { ...base, timeRange: 'week' }),
    ]);
    expect(keys.size).toBe(7);
    expect(cacheKey('web', base)).toMatch(/^search:cache:web:[0-9a-f]{64}$/);
  });
});

import { createHash } from 'node:crypto';

export type CacheKind = 'web' | 'video';

export interface CacheKeyParts {
  query: string;
  /** The provider asked for, or "auto:<order>" when the configured chain decides. */
  provider: string;
  maxResults: number;
  region?: string;
  safeSearch: string;
  timeRange?: string;
}

/** "  Redis   STREAMS " and "redis streams" are the same search. */
export function normaliseQuery(query: string): string {
  return query.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** search:cache:<kind>:<sha256 of the normalised query, provider and options> — no user text in key names. */
export function cacheKey(kind: CacheKind, parts: CacheKeyParts): string {
  const canonical = JSON.stringify([
    normaliseQuery(parts.query),
    parts.provider,
    parts.maxResults,
    parts.region?.toLowerCase() ?? '',
    parts.safeSearch,
    parts.timeRange ?? '',
  ]);
  return `search:cache:${kind}:${createHash('sha256').update(canonical).digest('hex')}`;
}

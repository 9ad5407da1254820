/** Shared by every vendor HTTP client (outbound-http.ts and the SDK adapters): the same words for the same failures. */

/**
 * A network failure in words a user can act on ("connection refused", not "fetch failed"): reads
 * the error code from fetch()'s `cause` or from a node:http error itself.
 */
export function networkReason(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ? e.cause : e?.code ? { code: e.code, message: e.message } : e?.cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name does not resolve';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    default:
      return cause?.message ?? (err as Error)?.message ?? 'request failed';
  }
}

/** host:port of a URL for messages (never the path or query, which may carry keys). */
export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A Retry-After value (seconds or an HTTP date) in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

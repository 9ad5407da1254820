/**
 * Why an attempt failed, in the router's words. Every kind falls back to the next provider when
 * it happens before the first token; `countsForCircuit` decides whether it is the provider's fault.
 */
export type FailureKind =
  | 'connection' // refused, reset, DNS: nothing listening
  | 'timeout' // no answer (or no next token) within the provider's timeout
  | 'rate_limited' // HTTP 429
  | 'server' // HTTP 5xx
  | 'config' // 401/403/404: wrong key or a model that is not there; repeats until someone fixes it
  | 'client' // another 4xx: this request only
  | 'broken_stream' // the stream ended or broke without its final message
  | 'unavailable' // not configured, or the engine could not load
  | 'aborted' // the caller went away: not the provider's fault, no fallback
  | 'unknown';

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** A request-specific rejection or a caller abort says nothing about the provider's health. */
  get countsForCircuit(): boolean {
    return this.kind !== 'client' && this.kind !== 'aborted';
  }
}

/**
 * The whole prompt does not fit this provider's context with room for an answer: the caller's to fix
 * (kind 'client': no circuit count). Another provider with a larger context may still serve it; if none
 * does, the router answers 400 CONTEXT_TOO_LONG with how many tokens were over.
 */
export class ContextTooLongError extends ProviderError {
  constructor(
    provider: string,
    message: string,
    readonly overBy: number,
    readonly contextSize: number,
  ) {
    super(provider, 'client', message);
  }
}

/** Maps an HTTP status from a vendor to a failure kind. */
export function kindForStatus(status: number): FailureKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403 || status === 404) return 'config';
  return status >= 400 ? 'client' : 'unknown';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Undici reports network failures as `TypeError: fetch failed` (cause has the code) or `terminated` mid-body. */
export function networkFailure(err: unknown): { kind: FailureKind; detail: string } | undefined {
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code;
  if (code && CONNECTION_CODES.has(code))
    return { kind: 'connection', detail: `${code}${e.cause?.message ? ` (${e.cause.message})` : ''}` };
  const message = e?.message ?? '';
  if (/\bterminated\b|other side closed|socket hang up/i.test(message))
    return { kind: 'broken_stream', detail: 'connection closed mid-answer' };
  if (/fetch failed/i.test(message)) return { kind: 'connection', detail: e.cause?.message ? `${message}: ${e.cause.message}` : message };
  return undefined;
}

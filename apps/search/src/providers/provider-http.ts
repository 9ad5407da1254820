import { outboundFetch, OutboundHttpError, parseRetryAfter, urlHost as host } from '@nitro/service-kit';
import { ProviderError, type ProviderFailure } from './provider-error';

/** Provider answers are small; anything bigger is refused rather than buffered. */
const MAX_PROVIDER_BODY_BYTES = 5_000_000;

export interface ProviderRequest {
  provider: string;
  url: string;
  timeoutMs: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The caller's cancellation (client went away). */
  signal?: AbortSignal;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** The toolkit's neutral failures in the chain's words (a caller's cancel ends the chain as a timeout did). */
const KIND: Record<OutboundHttpError['kind'], ProviderFailure> = {
  timeout: 'timeout',
  cancelled: 'timeout',
  unreachable: 'unreachable',
  too_large: 'bad_response',
  http_status: 'http_error',
};

/**
 * One HTTP call to a search provider (service-kit's outboundFetch: a hard timeout covering headers
 * and body, 5 MB cap). Network failures and 429s become ProviderErrors the fallback chain
 * understands; other statuses are returned for the provider to interpret (each vendor signals
 * errors differently).
 */
export async function providerFetch(req: ProviderRequest): Promise<ProviderResponse> {
  let answer;
  try {
    answer = await outboundFetch({ ...req, maxBytes: MAX_PROVIDER_BODY_BYTES });
  } catch (err) {
    if (!(err instanceof OutboundHttpError)) throw err;
    throw new ProviderError(req.provider, KIND[err.kind], err.kind === 'cancelled' ? 'cancelled by the caller' : err.message);
  }
  if (answer.status === 429)
    throw new ProviderError(req.provider, 'rate_limited', `HTTP 429 from ${host(req.url)}`, retryAfterMs(answer.headers));
  return { status: answer.status, headers: answer.headers, text: answer.text() };
}

/** Retry-After in seconds or as an HTTP date; Brave sends X-RateLimit-Reset "1, 86400" instead. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  return parseRetryAfter(headers.get('retry-after') ?? headers.get('x-ratelimit-reset')?.split(',')[0], now);
}

/** JSON.parse that reports a provider answering something else (an HTML error page, a proxy's message). */
export function parseJson(provider: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError(provider, 'bad_response', `expected JSON, got ${JSON.stringify(text.slice(0, 60))}`);
  }
}

export { host };

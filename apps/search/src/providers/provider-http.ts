import { networkReason, parseRetryAfter, urlHost as host } from '@nitro/service-kit';
import { ProviderError } from './provider-error';

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

/**
 * One HTTP call to a search provider with a hard timeout covering headers and body. Network
 * failures and 429s become ProviderErrors the fallback chain understands; other statuses are
 * returned for the provider to interpret (each vendor signals errors differently).
 */
export async function providerFetch(req: ProviderRequest): Promise<ProviderResponse> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  try {
    const res = await fetch(req.url, { method: req.method ?? 'GET', headers: req.headers, body: req.body, signal, redirect: 'follow' });
    const text = await readCapped(res, req.provider);
    if (res.status === 429) throw new ProviderError(req.provider, 'rate_limited', `HTTP 429 from ${host(req.url)}`, retryAfterMs(res.headers));
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    if (timeout.aborted) throw new ProviderError(req.provider, 'timeout', `no answer from ${host(req.url)} within ${req.timeoutMs} ms`);
    if (req.signal?.aborted) throw new ProviderError(req.provider, 'timeout', 'cancelled by the caller');
    throw new ProviderError(req.provider, 'unreachable', `${host(req.url)}: ${networkReason(err)}`);
  }
}

async function readCapped(res: Response, provider: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_PROVIDER_BODY_BYTES) throw new ProviderError(provider, 'bad_response', `answer of ${declared} bytes is larger than ${MAX_PROVIDER_BODY_BYTES}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_PROVIDER_BODY_BYTES) throw new ProviderError(provider, 'bad_response', `answer is larger than ${MAX_PROVIDER_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
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

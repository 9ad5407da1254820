import { outboundFetch, OutboundHttpError, parseRetryAfter, type OutboundAnswer } from '@nitro/service-kit';
import { ImageProviderError, type ImageProviderFailure } from './image-provider.interface';

/** Image answers are large but bounded (four 1536x1536 PNGs as base64 stay well below this). */
const MAX_BODY_BYTES = 96 * 1024 * 1024;

export interface ProviderCall {
  provider: string;
  url: string;
  timeoutMs: number;
  signal: AbortSignal;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | FormData;
}

export interface ProviderAnswer extends OutboundAnswer {
  /** The body as JSON; anything else is a bad_response. */
  json<T>(): T;
}

/** The toolkit's neutral failures in the image chain's words (a cancelled job counts as a timeout, as before). */
const KIND: Record<OutboundHttpError['kind'], ImageProviderFailure> = {
  timeout: 'timeout',
  cancelled: 'timeout',
  unreachable: 'unreachable',
  too_large: 'bad_response',
  http_status: 'server_error',
};

/**
 * One HTTP call to an image vendor (service-kit's outboundFetch: deadline over headers and body,
 * 96 MB cap). Transport failures become ImageProviderErrors; every status is returned for the
 * adapter to read in its vendor's terms (see failureFor).
 */
export async function providerFetch(call: ProviderCall): Promise<ProviderAnswer> {
  try {
    const answer = await outboundFetch({ ...call, method: call.method ?? 'POST', maxBytes: MAX_BODY_BYTES });
    return { ...answer, json: <T>() => parseJson<T>(call.provider, answer.body) };
  } catch (err) {
    if (!(err instanceof OutboundHttpError)) throw err;
    throw new ImageProviderError(call.provider, KIND[err.kind], err.kind === 'cancelled' ? 'cancelled' : err.message);
  }
}

/**
 * Maps an HTTP error status to what the job does next; `message` is the vendor's own error text.
 * 401/402/403/404 are about the key, the account or the model name (try the next provider);
 * other 4xx are about this request (fail it); 429 and 5xx pass.
 */
export function failureFor(
  provider: string,
  answer: Pick<ProviderAnswer, 'status' | 'headers'>,
  message: string,
  retryAfterMs?: number,
): ImageProviderError {
  const s = answer.status;
  const text = `HTTP ${s}: ${message}`.slice(0, 500);
  if (s === 429) return new ImageProviderError(provider, 'rate_limited', text, retryAfterMs ?? retryAfter(answer.headers));
  if (s === 401 || s === 402 || s === 403 || s === 404) return new ImageProviderError(provider, 'config', text);
  if (s >= 400 && s < 500) return new ImageProviderError(provider, 'rejected', text);
  return new ImageProviderError(provider, 'server_error', text, retryAfterMs);
}

/**
 * A failed answer's JSON error body read by the adapter's `describe` (undefined when it is not
 * JSON: a proxy's page), turned into failureFor's verdict. The vendor adapters differ only in
 * how their error body reads; the fallback is the first 200 characters of the text.
 */
export function vendorFailure<E>(
  provider: string,
  answer: ProviderAnswer,
  describe: (body: E) => { message?: string; retryAfterMs?: number },
): ImageProviderError {
  let body: E | undefined;
  try {
    body = answer.json<E>();
  } catch {
    // not JSON: the status and the text decide
  }
  const { message, retryAfterMs } = body === undefined || body === null ? {} : describe(body);
  return failureFor(provider, answer, message || answer.text().slice(0, 200), retryAfterMs);
}

export function parseJson<T>(provider: string, body: Buffer): T {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new ImageProviderError(provider, 'bad_response', `expected JSON, got ${JSON.stringify(body.subarray(0, 60).toString('utf8'))}`);
  }
}

/** Base64 image fields; a data: URL prefix is tolerated (some OpenAI-compatible servers send one). */
export function decodeBase64Image(provider: string, value: unknown): Buffer {
  if (typeof value !== 'string' || !value) throw new ImageProviderError(provider, 'bad_response', 'answer has no base64 image');
  const buf = Buffer.from(value.replace(/^data:[^,]*,/, ''), 'base64');
  if (buf.length < 8) throw new ImageProviderError(provider, 'bad_response', 'base64 image is empty or malformed');
  return buf;
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  return parseRetryAfter(headers.get('retry-after'), now);
}

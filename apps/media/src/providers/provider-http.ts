import { networkReason, parseRetryAfter, urlHost as host } from '@nitro/service-kit';
import { ImageProviderError } from './image-provider.interface';

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

export interface ProviderAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
  text(): string;
  json<T>(): T;
}

/**
 * One HTTP call to an image vendor with a hard deadline over headers and body. Network failures
 * become ImageProviderErrors; every status is returned for the adapter to read in its vendor's terms.
 */
export async function providerFetch(call: ProviderCall): Promise<ProviderAnswer> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = AbortSignal.any([timeout, call.signal]);
  try {
    const res = await fetch(call.url, { method: call.method ?? 'POST', headers: call.headers, body: call.body, signal, redirect: 'follow' });
    const body = await readCapped(res, call.provider);
    return {
      status: res.status,
      headers: res.headers,
      body,
      text: () => body.toString('utf8'),
      json: <T>() => parseJson<T>(call.provider, body),
    };
  } catch (err) {
    if (err instanceof ImageProviderError) throw err;
    if (timeout.aborted) throw new ImageProviderError(call.provider, 'timeout', `no answer from ${host(call.url)} within ${call.timeoutMs} ms`);
    if (call.signal.aborted) throw new ImageProviderError(call.provider, 'timeout', 'cancelled');
    throw new ImageProviderError(call.provider, 'unreachable', `${host(call.url)}: ${networkReason(err)}`);
  }
}

/**
 * Maps an HTTP error status to what the job does next; `message` is the vendor's own error text.
 * 401/402/403/404 are about the key, the account or the model name (try the next provider);
 * other 4xx are about this request (fail it); 429 and 5xx pass.
 */
export function failureFor(provider: string, answer: ProviderAnswer, message: string, retryAfterMs?: number): ImageProviderError {
  const s = answer.status;
  const text = `HTTP ${s}: ${message}`.slice(0, 500);
  if (s === 429) return new ImageProviderError(provider, 'rate_limited', text, retryAfterMs ?? retryAfter(answer.headers));
  if (s === 401 || s === 402 || s === 403 || s === 404) return new ImageProviderError(provider, 'config', text);
  if (s >= 400 && s < 500) return new ImageProviderError(provider, 'rejected', text);
  return new ImageProviderError(provider, 'server_error', text, retryAfterMs);
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

async function readCapped(res: Response, provider: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ImageProviderError(provider, 'bad_response', `answer of ${declared} bytes is larger than ${MAX_BODY_BYTES}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new ImageProviderError(provider, 'bad_response', `answer is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}



export { host };

/** Retry-After in seconds or as an HTTP date. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  return parseRetryAfter(headers.get('retry-after'), now);
}

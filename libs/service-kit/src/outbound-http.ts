import { Agent as HttpAgent, IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Deadline } from './deadline';
import { networkReason, parseRetryAfter, urlHost } from './outbound-http.util';

/**
 * The one way our services call a vendor over HTTP (image APIs, search engines, whisper, Ollama,
 * Google REST): a deadline, the caller's cancellation, a cap on what is read, and failures in one
 * neutral vocabulary that each service maps to its own provider-error kinds.
 *
 * Why node:http and not fetch(): per request, Node 20's fetch (undici + AbortSignal.any) cost about
 * 0.3 ms more CPU than node:http with keep-alive agents in ai-router's measurements, and ai-router is
 * CPU-bound at high concurrency. Redirects and gzip/deflate/br are handled here as fetch() did.
 */

/** timeout: our deadline passed; cancelled: the caller's signal; unreachable: no connection or it broke;
 * too_large: more than maxBytes; http_status: a status the adapter refuses (see httpStatusError). */
export type OutboundFailure = 'timeout' | 'cancelled' | 'unreachable' | 'too_large' | 'http_status';

export class OutboundHttpError extends Error {
  constructor(
    readonly kind: OutboundFailure,
    message: string,
    /** host:port of the URL (never the path or query, which may carry keys). */
    readonly host: string,
    /** For http_status. */
    readonly status?: number,
    /** For http_status: Retry-After, in ms. */
    readonly retryAfterMs?: number,
    /** The underlying error (its `code`, e.g. ECONNREFUSED, stays readable). */
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'OutboundHttpError';
  }
}

export interface OutboundRequest {
  url: string | URL;
  /** GET by default. */
  method?: string;
  headers?: Record<string, string>;
  /** FormData and URLSearchParams are encoded as fetch() would (content type included). */
  body?: string | Buffer | Uint8Array | FormData | URLSearchParams;
  /** Deadline in ms for the whole exchange: connection, headers and (for outboundFetch) the body. */
  timeoutMs: number;
  /** The caller's cancellation (client went away, job cancelled). */
  signal?: AbortSignal;
  /** Most bytes read from the (decoded) body. */
  maxBytes: number;
  /** 'refuse' (default): a larger body is a too_large error; 'truncate': keep the first maxBytes. */
  overLimit?: 'refuse' | 'truncate';
  /** Redirects followed (fetch()'s semantics: 303, and 301/302 after a POST, become a GET); default 5, 0 returns the 3xx. */
  maxRedirects?: number;
  /** Socket options for special callers (the page fetcher's SSRF-checking lookup, no shared agent). */
  agent?: HttpAgent | false;
  lookup?: RequestOptions['lookup'];
  /** Looks at status and headers before the body is read; what it throws ends the exchange and is rethrown as is. */
  onHeaders?: (status: number, headers: Headers) => void;
}

/** A buffered answer: every status is returned for the adapter to read in its vendor's terms. */
export interface OutboundAnswer {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
  /** True when overLimit is 'truncate' and the body was cut at maxBytes. */
  truncated: boolean;
  text(): string;
}

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/**
 * One HTTP exchange with a vendor, body read into memory. Resolves for every HTTP status; rejects
 * only with OutboundHttpError: `timeout` after `timeoutMs` (headers and body together), `cancelled`
 * when `signal` aborts, `unreachable` for connection failures (message "host: connection refused"),
 * `too_large` past `maxBytes` (unless overLimit is 'truncate').
 */
export async function outboundFetch(req: OutboundRequest): Promise<OutboundAnswer> {
  const deadline = new Deadline(req.timeoutMs, req.signal);
  let current = new URL(req.url);
  try {
    const { res, url } = await open(req, deadline.signal);
    current = url;
    try {
      req.onHeaders?.(res.statusCode ?? 502, toHeaders(res));
    } catch (refusal) {
      res.destroy();
      throw new Refusal(refusal);
    }
    const { body, truncated } = await readBody(res, req, url);
    return {
      url: url.toString(),
      status: res.statusCode ?? 502,
      headers: toHeaders(res),
      body,
      truncated,
      text: () => body.toString('utf8'),
    };
  } catch (err) {
    if (err instanceof Refusal) throw err.refusal;
    throw describe(err, req, current, deadline);
  } finally {
    deadline.dispose();
  }
}

/** Carries what onHeaders threw past the failure mapping. */
class Refusal {
  constructor(readonly refusal: unknown) {}
}

/**
 * The same exchange as a fetch() function, for vendor SDKs that take one (the Ollama client,
 * Google's gaxios). The body streams (an NDJSON or SSE answer is read as it arrives): `timeoutMs`
 * bounds the wait for headers, `signal` (the caller's attempt signal) bounds the rest, and a body
 * past `maxBytes` fails with too_large. As fetch() does, an aborted `signal` or `init.signal`
 * rejects with that signal's reason (the SDKs recognise their own aborts); every other failure
 * rejects with OutboundHttpError.
 */
export function outboundFetchFunction(opts: { signal?: AbortSignal; timeoutMs: number; maxBytes: number }): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const headerWait = new Deadline(opts.timeoutMs, opts.signal, init.signal ?? undefined);
    const req: OutboundRequest = {
      url,
      method: init.method,
      headers: headerObject(init.headers),
      body: init.body as OutboundRequest['body'],
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      maxBytes: opts.maxBytes,
      maxRedirects: init.redirect === 'manual' ? 0 : undefined,
    };
    try {
      const { res, url: answered } = await open(req, headerWait.signal);
      headerWait.dispose();
      const body = decoded(res).pipe(capped(req, answered));
      // The body is bounded by the callers' signals only (a stream may take longer than the header wait).
      for (const signal of [opts.signal, init.signal]) {
        if (!signal) continue;
        const stop = () => body.destroy(signal.reason);
        if (signal.aborted) stop();
        signal.addEventListener('abort', stop, { once: true });
        body.once('close', () => signal.removeEventListener('abort', stop));
      }
      const status = res.statusCode ?? 502;
      // A null-body status must not carry a stream (the Response constructor throws).
      const web = status === 204 || status === 304 ? null : (Readable.toWeb(body) as ReadableStream<Uint8Array>);
      return new Response(web, { status, statusText: res.statusMessage, headers: toHeaders(res) });
    } catch (err) {
      headerWait.dispose();
      const aborted = [opts.signal, init.signal].find((s) => s?.aborted);
      throw aborted ? aborted.reason : describe(err, { ...req, signal: undefined }, url, headerWait);
    }
  };
}

/** An http_status error for a status the adapter will not accept; the message says which host answered. */
export function httpStatusError(answer: Pick<OutboundAnswer, 'status' | 'headers' | 'url'>, detail?: string): OutboundHttpError {
  const host = urlHost(answer.url);
  const retryAfter = parseRetryAfter(answer.headers.get('retry-after'));
  return new OutboundHttpError(
    'http_status',
    `HTTP ${answer.status} from ${host}${detail ? `: ${detail}` : ''}`,
    host,
    answer.status,
    retryAfter,
  );
}

async function open(req: OutboundRequest, signal: AbortSignal): Promise<{ res: IncomingMessage; url: URL }> {
  let url = new URL(req.url);
  let method = (req.method ?? 'GET').toUpperCase();
  let { body, headers } = await encodeBody(req.body, req.headers ?? {});
  const maxRedirects = req.maxRedirects ?? 5;
  for (let hop = 0; ; hop++) {
    const res = await send(url, method, headers, body, signal, req);
    const status = res.statusCode ?? 0;
    if (status < 300 || status >= 400 || !res.headers.location || maxRedirects === 0) return { res, url };
    res.resume();
    if (hop >= maxRedirects)
      throw new OutboundHttpError('unreachable', `${urlHost(url.toString())}: more than ${maxRedirects} redirects`, url.host);
    url = new URL(res.headers.location, url);
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-(type|length)$/i.test(k)));
    }
  }
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal: AbortSignal,
  req: OutboundRequest,
): Promise<IncomingMessage> {
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:')
    return Promise.reject(new OutboundHttpError('unreachable', `${url.protocol} URLs are not fetched`, url.host));
  const hasEncoding = Object.keys(headers).some((k) => k.toLowerCase() === 'accept-encoding');
  const agent = req.agent === undefined ? (https ? agents.https : agents.http) : req.agent;
  return new Promise((resolve, reject) => {
    const r = (https ? httpsRequest : httpRequest)(url, {
      method,
      signal,
      agent,
      ...(req.lookup ? { lookup: req.lookup } : {}),
      headers: {
        ...(hasEncoding ? {} : { 'accept-encoding': 'gzip, deflate, br' }),
        ...headers,
        ...(body ? { 'content-length': String(body.length) } : {}),
      },
    });
    r.on('response', resolve);
    r.on('error', reject);
    r.end(body);
  });
}

async function encodeBody(
  body: OutboundRequest['body'],
  headers: Record<string, string>,
): Promise<{ body?: Buffer; headers: Record<string, string> }> {
  if (body === undefined || body === null) return { headers };
  if (typeof body === 'string' || body instanceof Uint8Array) return { body: Buffer.from(body as string), headers };
  // FormData (multipart boundary) and URLSearchParams: let the platform pick the encoding and its content type.
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type');
  const own = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  return { body: Buffer.from(await encoded.arrayBuffer()), headers: { ...(type && !own ? { 'content-type': type } : {}), ...headers } };
}

function decoded(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return res;
  res.on('error', (err) => decoder.destroy(err));
  return res.pipe(decoder);
}

function capped(req: OutboundRequest, url: URL): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > req.maxBytes)
        return done(new OutboundHttpError('too_large', `answer from ${url.host} is larger than ${req.maxBytes} bytes`, url.host));
      done(null, chunk);
    },
  });
}

async function readBody(res: IncomingMessage, req: OutboundRequest, url: URL): Promise<{ body: Buffer; truncated: boolean }> {
  const declared = Number(res.headers['content-length'] ?? 0);
  const encoded = !!res.headers['content-encoding'];
  if (req.overLimit !== 'truncate' && !encoded && declared > req.maxBytes) {
    res.destroy();
    throw new OutboundHttpError('too_large', `answer of ${declared} bytes from ${url.host} is larger than ${req.maxBytes}`, url.host);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of decoded(res) as AsyncIterable<Buffer>) {
    const room = req.maxBytes - size;
    if (chunk.length > room) {
      if (req.overLimit !== 'truncate') {
        res.destroy();
        throw new OutboundHttpError('too_large', `answer from ${url.host} is larger than ${req.maxBytes} bytes`, url.host);
      }
      chunks.push(chunk.subarray(0, room));
      res.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

/** Any failure of the exchange in the neutral vocabulary; the deadline is checked before the caller's signal. */
function describe(err: unknown, req: OutboundRequest, url: URL, deadline: Deadline): OutboundHttpError {
  if (err instanceof OutboundHttpError) return err;
  const host = url.host;
  if (deadline.timedOut)
    return new OutboundHttpError('timeout', `no answer from ${host} within ${req.timeoutMs} ms`, host, undefined, undefined, err);
  if (req.signal?.aborted)
    return new OutboundHttpError('cancelled', `request to ${host} cancelled by the caller`, host, undefined, undefined, err);
  return new OutboundHttpError('unreachable', `${host}: ${networkReason(err)}`, host, undefined, undefined, err);
}

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  // The body handed on is decoded: its length and encoding no longer match these headers.
  if (res.headers['content-encoding']) {
    headers.delete('content-encoding');
    headers.delete('content-length');
  }
  return headers;
}

function headerObject(headers: RequestInit['headers']): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return headers as Record<string, string>;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { VoiceEnv } from '@nitro/config';
import { outboundFetchFunction } from '@nitro/service-kit';

/** Speech answers carry base64 audio: a few minutes of speech stays well below this. */
const MAX_GOOGLE_ANSWER_BYTES = 50 * 1024 * 1024;

/** Options shared by the Speech and Text-to-Speech clients: REST transport, our auth and endpoint. */
export function googleClientOptions(env: VoiceEnv): Record<string, unknown> {
  // REST ("fallback") rather than gRPC: one HTTP/1.1 code path that a proxy, and a test server, can answer.
  const opts: Record<string, unknown> = { fallback: true };
  // An API key wins when both are set (GoogleAuth refuses both at once).
  if (env.GOOGLE_API_KEY) opts.apiKey = env.GOOGLE_API_KEY;
  else if (env.GOOGLE_APPLICATION_CREDENTIALS) opts.keyFilename = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (env.GOOGLE_API_ENDPOINT) {
    const url = new URL(env.GOOGLE_API_ENDPOINT);
    opts.apiEndpoint = url.hostname;
    opts.protocol = url.protocol.replace(':', '');
    opts.port = Number(url.port || (url.protocol === 'http:' ? 80 : 443));
  }
  return opts;
}

/** Why the Google engines cannot be used, naming what to set; null when they can. */
export function googleUnavailable(env: VoiceEnv): string | null {
  return env.GOOGLE_API_KEY || env.GOOGLE_APPLICATION_CREDENTIALS
    ? null
    : 'not configured: set GOOGLE_APPLICATION_CREDENTIALS (a service-account key file) or GOOGLE_API_KEY';
}

const callSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * The REST transport ignores the `timeout` call option and its promises drop `cancel()`, so a hung
 * Google call would hold a socket forever. Every HTTP request the client makes goes through its
 * auth object's fetch: we add a timeout there, and the signal of the job that made the call, and
 * hand it service-kit's outbound fetch (the one vendor HTTP path of every service, size-capped).
 */
export function guardGoogleFetch(client: { auth: unknown }, timeoutMs: number): void {
  type Fetch = (url: unknown, init?: { signal?: AbortSignal } & Record<string, unknown>) => Promise<unknown>;
  const auth = client.auth as { fetch?: Fetch };
  const original = auth.fetch?.bind(auth);
  if (!original) throw new Error('google client has no auth.fetch: the REST transport changed, re-check guardGoogleFetch');
  auth.fetch = (url, init = {}) => {
    const signals = [AbortSignal.timeout(timeoutMs), init.signal, callSignal.getStore()].filter((s): s is AbortSignal => !!s);
    // Ours instead of gaxios' lazily imported node-fetch: one HTTP stack in every service, and no
    // dynamic import (which Jest's VM refuses). An abort rejects with the signal's reason, as fetch() does.
    const fetchImplementation = outboundFetchFunction({ timeoutMs, maxBytes: MAX_GOOGLE_ANSWER_BYTES });
    return original(url, { ...init, signal: AbortSignal.any(signals), fetchImplementation });
  };
}

/** Runs a client call so that aborting `signal` aborts its HTTP request. */
export function withCallSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return callSignal.run(signal, fn);
}

/** Google errors (REST JSON bodies, aborts) as one readable line. */
export function describeGoogleError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; code?: number | string; status?: number };
  // Aborts surface as a GaxiosError whose code is the abort reason's name; the outbound fetch's own
  // deadline (the same GOOGLE_TIMEOUT_MS) may fire first and says 'timeout': either way, one message.
  if (
    e?.code === 'TimeoutError' ||
    e?.name === 'TimeoutError' ||
    (e as { kind?: string })?.kind === 'timeout' ||
    /no answer from .* within \d+ ms/.test(e?.message ?? '')
  ) {
    return `no answer within ${timeoutMs} ms (GOOGLE_TIMEOUT_MS)`;
  }
  if (e?.code === 'AbortError' || e?.name === 'AbortError') return 'the request was cancelled';
  const msg = e?.message ?? String(err);
  try {
    const body = JSON.parse(msg) as { error?: { code?: number; message?: string; status?: string } };
    if (body.error) return `HTTP ${body.error.code} ${body.error.status ?? ''}: ${body.error.message ?? ''}`.replace(/\s+/g, ' ').trim();
  } catch {
    // not JSON
  }
  return `${e?.code ? `${e.code} ` : ''}${msg}`.slice(0, 300);
}

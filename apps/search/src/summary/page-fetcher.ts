import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { outboundFetch, OutboundHttpError, type OutboundAnswer } from '@nitro/service-kit';
import { extractReadableText } from './readable-text';
import { BlockedAddressError, blockedAddressReason, guardedLookup, type AddressPolicy, type Resolver } from './ssrf-guard';

export interface PageFetcherOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  /** Name resolution; the system resolver by default. */
  resolve?: Resolver;
  /** Which addresses may be fetched; public addresses only by default. */
  policy?: AddressPolicy;
}

export interface FetchedPage {
  url: string;
  title: string;
  text: string;
  bytes: number;
  truncated: boolean;
}

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });
const READABLE_TYPES = /^(text\/html|application\/xhtml\+xml|text\/plain)\b/i;

/**
 * Fetches a result page for a summary without becoming an SSRF proxy: http(s) only, no
 * credentials in URLs, every hop (redirects included) checked against the address policy at
 * connect time, one deadline for the whole chain, and at most maxBytes read (after decompression).
 */
export class PageFetcher {
  private readonly resolve: Resolver;
  private readonly policy: AddressPolicy;

  constructor(private readonly opts: PageFetcherOptions) {
    this.resolve = opts.resolve ?? systemResolver;
    this.policy = opts.policy ?? blockedAddressReason;
  }

  /**
   * The readable text of one page. Rejects with BlockedAddressError for a refused address and with
   * an Error naming the host for everything else (timeout over the whole redirect chain, non-200,
   * a type that is not text); a page over maxBytes is cut, not refused.
   */
  async fetch(url: string, signal?: AbortSignal): Promise<FetchedPage> {
    const deadlineAt = Date.now() + this.opts.timeoutMs;
    let current = this.checkUrl(url);
    for (let hop = 0; ; hop++) {
      const res = await this.get(current, Math.max(1, deadlineAt - Date.now()), signal);
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        if (hop >= this.opts.maxRedirects) throw new Error(`more than ${this.opts.maxRedirects} redirects`);
        current = this.checkUrl(new URL(res.headers.get('location') as string, current).toString());
        continue;
      }
      const type = res.headers.get('content-type') ?? 'text/html';
      const decoded = decode(res.body, type);
      const page = /^text\/plain/i.test(type) ? { title: '', text: decoded.replace(/\s+/g, ' ').trim() } : extractReadableText(decoded);
      return { url: current.toString(), ...page, bytes: res.body.length, truncated: res.truncated };
    }
  }

  /** Scheme, credentials and literal IPs are checked here; host names at connect time (guardedLookup). */
  private checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new BlockedAddressError(`not a URL: ${raw.slice(0, 100)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedAddressError(`${url.protocol} URLs are not fetched`);
    if (url.username || url.password) throw new BlockedAddressError('URLs with credentials are not fetched');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      const reason = this.policy(host);
      if (reason) throw new BlockedAddressError(`refused ${url.host}: ${reason}`);
    }
    return url;
  }

  /**
   * One hop through service-kit's outboundFetch: no shared agent (each connection is looked up by
   * guardedLookup), no redirects followed there (every hop is checked here), the body cut at
   * maxBytes, and a non-200 or unreadable type refused before its body is read.
   */
  private async get(url: URL, timeoutMs: number, signal?: AbortSignal): Promise<OutboundAnswer> {
    try {
      return await outboundFetch({
        url,
        timeoutMs,
        signal,
        maxBytes: this.opts.maxBytes,
        overLimit: 'truncate',
        maxRedirects: 0,
        agent: false,
        lookup: guardedLookup(this.resolve, this.policy) as never,
        headers: {
          'User-Agent': this.opts.userAgent,
          Accept: 'text/html,application/xhtml+xml,text/plain;q=0.8',
          'Accept-Encoding': 'gzip, deflate, br',
        },
        onHeaders: (status, headers) => {
          if (status >= 300 && status < 400 && headers.get('location')) return;
          if (status !== 200) throw new Error(`HTTP ${status} from ${url.host}`);
          const type = headers.get('content-type') ?? 'text/html';
          if (!READABLE_TYPES.test(type)) throw new Error(`not a readable page (${type.split(';')[0]})`);
        },
      });
    } catch (err) {
      if (!(err instanceof OutboundHttpError)) throw err;
      if (err.cause instanceof BlockedAddressError) throw err.cause;
      if (err.kind === 'timeout') throw new Error(`no complete answer from ${url.host} within ${this.opts.timeoutMs} ms`);
      throw new Error(err.kind === 'cancelled' ? `${url.host}: cancelled` : err.message);
    }
  }
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return body.toString('utf8');
  }
}

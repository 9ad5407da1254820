import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
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

  async fetch(url: string, signal?: AbortSignal): Promise<FetchedPage> {
    const deadline = AbortSignal.timeout(this.opts.timeoutMs);
    const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
    let current = this.checkUrl(url);
    for (let hop = 0; ; hop++) {
      const res = await this.get(current, combined).catch((err: Error) => {
        if (err instanceof BlockedAddressError) throw err;
        if (deadline.aborted) throw new Error(`no complete answer from ${current.host} within ${this.opts.timeoutMs} ms`);
        throw new Error(`${current.host}: ${err.message}`);
      });
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (hop >= this.opts.maxRedirects) throw new Error(`more than ${this.opts.maxRedirects} redirects`);
        current = this.checkUrl(new URL(res.headers.location, current).toString());
        continue;
      }
      if (status !== 200) {
        res.resume();
        throw new Error(`HTTP ${status} from ${current.host}`);
      }
      const type = String(res.headers['content-type'] ?? 'text/html');
      if (!READABLE_TYPES.test(type)) {
        res.resume();
        throw new Error(`not a readable page (${type.split(';')[0]})`);
      }
      const { body, truncated } = await this.readCapped(res, deadline);
      const decoded = decode(body, type);
      const page = /^text\/plain/i.test(type) ? { title: '', text: decoded.replace(/\s+/g, ' ').trim() } : extractReadableText(decoded);
      return { url: current.toString(), ...page, bytes: body.length, truncated };
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

  private get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'GET',
        signal,
        agent: false,
        lookup: guardedLookup(this.resolve, this.policy) as never,
        headers: { 'User-Agent': this.opts.userAgent, Accept: 'text/html,application/xhtml+xml,text/plain;q=0.8', 'Accept-Encoding': 'gzip, deflate, br' },
      });
      req.on('response', resolve);
      req.on('error', reject);
      req.end();
    });
  }

  /** Reads at most maxBytes of the decoded body; a larger page is cut, not refused. */
  private readCapped(res: IncomingMessage, deadline: AbortSignal): Promise<{ body: Buffer; truncated: boolean }> {
    const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
    const stream: Readable = encoding === 'gzip' ? res.pipe(createGunzip()) : encoding === 'deflate' ? res.pipe(createInflate()) : encoding === 'br' ? res.pipe(createBrotliDecompress()) : res;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (truncated: boolean) => {
        res.destroy();
        resolve({ body: Buffer.concat(chunks), truncated });
      };
      deadline.addEventListener('abort', () => reject(new Error(`page body not complete within ${this.opts.timeoutMs} ms`)), { once: true });
      stream.on('data', (chunk: Buffer) => {
        const room = this.opts.maxBytes - size;
        if (chunk.length >= room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          stream.removeAllListeners('data');
          return finish(true);
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      stream.on('end', () => finish(false));
      stream.on('error', reject);
      res.on('error', reject);
    });
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

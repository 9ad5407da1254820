import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpStatusError, outboundFetch, outboundFetchFunction, OutboundHttpError } from './outbound-http';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('outboundFetch', () => {
  let server: Server;
  let base: string;
  let handler: Handler;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (over: Partial<Parameters<typeof outboundFetch>[0]> = {}) =>
    outboundFetch({ url: `${base}/x`, timeoutMs: 2_000, maxBytes: 1_000, ...over });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: OutboundHttpError) => e,
    );

  it('returns every status with headers and body', async () => {
    handler = (_req, res) => res.writeHead(418, { 'x-a': '1' }).end('teapot');
    const a = await call();
    expect([a.status, a.headers.get('x-a'), a.text(), a.truncated]).toEqual([418, '1', 'teapot', false]);
  });

  it('sends strings, FormData and URLSearchParams with their content types', async () => {
    const seen: string[] = [];
    handler = (req, res, body) => (seen.push(`${req.headers['content-type']}|${body.includes('v1') ? 'v1' : body}`), res.end('ok'));
    await call({ method: 'POST', body: 'v1', headers: { 'content-type': 'text/plain' } });
    const form = new FormData();
    form.append('k', 'v1');
    await call({ method: 'POST', body: form });
    await call({ method: 'POST', body: new URLSearchParams({ k: 'v1' }) });
    expect(seen[0]).toBe('text/plain|v1');
    expect(seen[1]).toMatch(/^multipart\/form-data; boundary=.*\|v1$/);
    expect(seen[2]).toMatch(/^application\/x-www-form-urlencoded.*\|v1$/);
  });

  it('decodes gzip and follows redirects (303 turns a POST into a GET)', async () => {
    handler = (req, res) => {
      if (req.url === '/x') return res.writeHead(303, { location: '/y' }).end();
      res.writeHead(200, { 'content-encoding': 'gzip', 'x-method': req.method ?? '' }).end(gzipSync('hello'));
    };
    const a = await call({ method: 'POST', body: 'q' });
    expect([a.text(), a.headers.get('x-method'), a.url]).toEqual(['hello', 'GET', `${base}/y`]);
  });

  it('a body past maxBytes is too_large, or cut with overLimit truncate', async () => {
    handler = (_req, res) => res.end('x'.repeat(2_000));
    expect(await failure(call())).toMatchObject({ kind: 'too_large' });
    const cut = await call({ overLimit: 'truncate' });
    expect([cut.body.length, cut.truncated]).toEqual([1_000, true]);
  });

  it('no answer within timeoutMs is a timeout naming the host; the caller aborting is cancelled', async () => {
    handler = () => undefined;
    const t = await failure(call({ timeoutMs: 100 }));
    expect(t).toMatchObject({ kind: 'timeout', message: `no answer from ${new URL(base).host} within 100 ms` });
    const c = await failure(call({ signal: AbortSignal.timeout(50) }));
    expect(c.kind).toBe('cancelled');
  });

  it('a closed port is unreachable: connection refused', async () => {
    const e = await failure(outboundFetch({ url: 'http://127.0.0.1:9/', timeoutMs: 2_000, maxBytes: 10 }));
    expect(e).toMatchObject({ kind: 'unreachable', message: '127.0.0.1:9: connection refused' });
  });

  it('httpStatusError names status and host and reads Retry-After', () => {
    const e = httpStatusError({ status: 429, url: 'http://h:1/p?key=s', headers: new Headers({ 'retry-after': '3' }) }, 'slow down');
    expect(e).toMatchObject({ kind: 'http_status', status: 429, retryAfterMs: 3000, message: 'HTTP 429 from h:1: slow down' });
  });

  it('as a fetch function: streams the body, and an abort rejects with the signal reason', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"a":1}\n');
      setTimeout(() => res.end('{"a":2}\n'), 20);
    };
    const f = outboundFetchFunction({ timeoutMs: 2_000, maxBytes: 1_000 });
    const res = await f(`${base}/s`, { method: 'POST', body: '{}' });
    expect(await res.text()).toBe('{"a":1}\n{"a":2}\n');
    handler = () => undefined;
    const ctrl = new AbortController();
    const pending = outboundFetchFunction({ signal: ctrl.signal, timeoutMs: 2_000, maxBytes: 1_000 })(`${base}/s`);
    ctrl.abort(new Error('attempt abandoned'));
    await expect(pending).rejects.toThrow('attempt abandoned');
  });
});

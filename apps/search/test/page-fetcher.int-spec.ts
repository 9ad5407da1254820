import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { PageFetcher } from '../src/summary/page-fetcher';
import { blockedAddressReason, type Resolver } from '../src/summary/ssrf-guard';

/**
 * The summary's page fetcher against real sockets. A "secret" server on 127.0.0.1 stands for
 * anything internal: whatever the URL, redirect or DNS trick, it must never receive a request.
 * A "public" server on 127.0.0.2 is allowed only by the test's own address policy, to exercise
 * redirects, size caps, timeouts and text extraction; production code uses public-only.
 */
describe('PageFetcher (SSRF guard, redirects, caps, readable text)', () => {
  let secret: Server;
  let pub: Server;
  let secretPort: number;
  let pubPort: number;
  let secretHits = 0;
  const ARTICLE = `<html><head><title>Streams explained</title><script>var leak = "SCRIPT";</script><style>p{}</style></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav><header>Site header</header>
<article><h1>Redis Streams</h1><p>A stream is an append-only log.</p><p>Consumer   groups share the work.</p><ul><li>XADD appends</li><li>XACK acknowledges</li></ul></article>
<aside>Related links</aside><footer>Copyright</footer></body></html>`;

  const listen = (server: Server, host: string) =>
    new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));

  beforeAll(async () => {
    secret = createServer((_req, res) => {
      secretHits++;
      res.end('<html><body><p>internal secret</p></body></html>');
    });
    secretPort = await listen(secret, '127.0.0.1');
    pub = createServer((req, res) => {
      const path = req.url ?? '/';
      if (path === '/article') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE);
      if (path === '/gzip')
        return void res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync(ARTICLE));
      if (path === '/latin1')
        return void res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from('caf\xe9 cr\xe8me', 'latin1'));
      if (path === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 200; i++) res.write(`${'word '.repeat(2000)}\n`);
        return void res.end();
      }
      if (path === '/slow') return void res.writeHead(200, { 'content-type': 'text/html' }).write('<html><body><p>first part');
      if (path === '/pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7');
      if (path === '/missing') return void res.writeHead(404).end();
      if (path === '/to-article') return void res.writeHead(302, { location: '/article' }).end();
      if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      const targets: Record<string, string> = {
        '/to-loopback': `http://127.0.0.1:${secretPort}/secret`,
        '/to-localhost': `http://localhost:${secretPort}/secret`,
        '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
        '/to-private-name': `http://evil.test:${secretPort}/secret`,
        '/to-file': 'file:///etc/passwd',
      };
      if (targets[path]) return void res.writeHead(301, { location: targets[path] }).end();
      res.writeHead(404).end();
    });
    pubPort = await listen(pub, '127.0.0.2');
  });

  afterAll(async () => {
    for (const s of [secret, pub]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    expect(secretHits).toBe(0);
  });

  const options = { timeoutMs: 1_000, maxBytes: 64 * 1024, maxRedirects: 3, userAgent: 'nitro-test' };
  /** Test-only names; everything else goes to the system resolver. */
  const names: Record<string, string> = {
    'public.test': '127.0.0.2',
    'evil.test': '10.0.0.7',
    'meta.test': '169.254.169.254',
    'loop6.test': '::1',
  };
  const system = new PageFetcher(options).fetch.bind(new PageFetcher(options));
  const testResolver: Resolver = async (host) =>
    names[host]
      ? [{ address: names[host], family: names[host].includes(':') ? 6 : 4 }]
      : (await import('node:dns/promises')).lookup(host, { all: true });
  const widened = new PageFetcher({
    ...options,
    resolve: testResolver,
    policy: (ip) => (ip === '127.0.0.2' ? undefined : blockedAddressReason(ip)),
  });
  const pubUrl = (path: string) => `http://public.test:${pubPort}${path}`;
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'fetched',
      (e: Error & { code?: string }) => `${e.code ?? 'error'}: ${e.message}`,
    );

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${secretPort}/secret`, /loopback/],
    ['10.x', () => 'http://10.1.2.3/', /private/],
    ['169.254.x (metadata)', () => 'http://169.254.169.254/latest/meta-data/', /link-local/],
    ['::1', () => `http://[::1]:${secretPort}/`, /loopback/],
    ['IPv4-mapped ::ffff:127.0.0.1', () => `http://[::ffff:127.0.0.1]:${secretPort}/`, /loopback/],
    ['decimal 2130706433', () => `http://2130706433:${secretPort}/`, /loopback/],
    ['localhost (a name resolving to loopback)', () => `http://localhost:${secretPort}/secret`, /localhost resolves to .* loopback/],
    ['file://', () => 'file:///etc/passwd', /file: URLs are not fetched/],
    ['credentials in the URL', () => `http://user:pw@127.0.0.2:${pubPort}/article`, /credentials/],
  ])('refuses %s with the production policy', async (_name, url, reason) => {
    const out = await refusal(system(url()));
    expect(out).toMatch(/^ERR_BLOCKED_ADDRESS: /);
    expect(out).toMatch(reason);
  });

  it.each([
    ['a name resolving to 10.x', 'evil.test', /evil\.test resolves to 10\.0\.0\.7 is a private address/],
    ['a name resolving to 169.254.169.254', 'meta.test', /meta\.test resolves to 169\.254\.169\.254/],
    ['a name resolving to ::1', 'loop6.test', /loop6\.test resolves to ::1/],
  ])('refuses %s at connect time', async (_name, host, reason) => {
    const out = await refusal(widened.fetch(`http://${host}:${secretPort}/secret`));
    expect(out).toMatch(/^ERR_BLOCKED_ADDRESS: /);
    expect(out).toMatch(reason);
  });

  it.each([
    ['to 127.0.0.1', '/to-loopback', /loopback/],
    ['to localhost', '/to-localhost', /localhost resolves to/],
    ['to the metadata address', '/to-metadata', /169\.254\.169\.254/],
    ['to a name resolving to 10.x', '/to-private-name', /evil\.test resolves to 10\.0\.0\.7/],
    ['to file://', '/to-file', /file: URLs/],
  ])('re-checks redirects: refuses a redirect %s', async (_name, path, reason) => {
    expect(await refusal(widened.fetch(pubUrl(path)))).toMatch(reason);
  });

  it('extracts the readable text of an allowed page, following a redirect', async () => {
    const page = await widened.fetch(pubUrl('/to-article'));
    expect(page.url).toBe(`http://public.test:${pubPort}/article`);
    expect(page.title).toBe('Streams explained');
    expect(page.text).toBe(
      'Redis Streams\nA stream is an append-only log.\nConsumer groups share the work.\nXADD appends\nXACK acknowledges',
    );
    expect(page.text).not.toMatch(/SCRIPT|Home|Site header|Related|Copyright/);
    expect((await widened.fetch(pubUrl('/gzip'))).text).toMatch(/^Redis Streams\nA stream/);
    expect((await widened.fetch(pubUrl('/latin1'))).text).toBe('café crème');
  });

  it('cuts a large page at maxBytes', async () => {
    const page = await widened.fetch(pubUrl('/big'));
    expect(page.truncated).toBe(true);
    expect(page.bytes).toBe(64 * 1024);
  });

  it('gives up on a page that never finishes, on redirect loops, non-pages and errors', async () => {
    expect(await refusal(widened.fetch(pubUrl('/slow')))).toMatch(/within 1000 ms/);
    expect(await refusal(widened.fetch(pubUrl('/loop')))).toMatch(/more than 3 redirects/);
    expect(await refusal(widened.fetch(pubUrl('/pdf')))).toMatch(/not a readable page \(application\/pdf\)/);
    expect(await refusal(widened.fetch(pubUrl('/missing')))).toMatch(/HTTP 404/);
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@nitro/testing';
import { nginxTest, renderNginx, renderTemplate, selfSignedCert } from '../../tools/validate/nginx.render';

const vars = {
  NITRO_UPSTREAM_SERVERS: 'server 127.0.0.1:18000; server 127.0.0.1:18001;',
  NITRO_RATE_LIMIT: '50',
  NITRO_MAX_BODY: '26m',
  NITRO_HTTP_PORT: '18080',
  NITRO_RESOLVER: '',
};

describe('nginx edge config (Debian nginx)', () => {
  it('passes nginx -t as rendered for compose', () => {
    const r = renderNginx(vars);
    expect(() => nginxTest(r)).not.toThrow();
  });

  it('passes nginx -t with TLS termination enabled (certificate paths from the environment)', () => {
    const { cert, key } = selfSignedCert(mkdtempSync(join(tmpdir(), 'nitro-cert-')));
    const r = renderNginx(vars, { cert, key, port: 18443 });
    expect(() => nginxTest(r)).not.toThrow();
  });

  it('fails nginx -t when the config is broken (the check can fail)', () => {
    const r = renderNginx({ ...vars, NITRO_MAX_BODY: 'lots' });
    expect(() => nginxTest(r)).toThrow();
  });

  it('passes nginx -t with a resolver line (as compose sets it)', () => {
    expect(() => nginxTest(renderNginx({ ...vars, NITRO_RESOLVER: 'resolver 127.0.0.11 valid=10s ipv6=off;' }))).not.toThrow();
  });

  it('does not forward /metrics to the gateway (404 at the edge), forwards everything else', async () => {
    const seen: string[] = [];
    const upstream = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end('from gateway');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = await freePort();
    const r = renderNginx({
      ...vars,
      NITRO_HTTP_PORT: String(port),
      NITRO_UPSTREAM_SERVERS: `server 127.0.0.1:${(upstream.address() as AddressInfo).port};`,
    });
    const nginx = spawn('nginx', ['-p', r.prefix, '-c', r.conf], { stdio: 'ignore' });
    try {
      const edge = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${edge}/health`).catch(() => null))?.ok === true, { timeoutMs: 10_000, intervalMs: 100 });
      for (const path of ['/metrics', '/metrics?format=json', '/metrics/'])
        expect([path, (await fetch(edge + path)).status]).toEqual([path, 404]);
      expect((await fetch(`${edge}/docs`)).status).toBe(200);
      expect(seen).toEqual(['/health', '/docs']);
    } finally {
      nginx.kill('SIGTERM');
      upstream.close();
    }
  });

  it('refuses to render with a variable missing', () => {
    expect(() => renderTemplate('listen ${NITRO_HTTP_PORT};', {})).toThrow(/NITRO_HTTP_PORT/);
  });

  it('keeps SSE unbuffered and never gzips event streams', () => {
    const locations = readFileSync(join(__dirname, '..', '..', 'deploy', 'nginx', 'locations.conf'), 'utf8');
    const sse = /location ~ \^\/\(chat\/stream[^{]*\{([^}]*)\}/.exec(locations)?.[1] ?? '';
    expect(sse).toMatch(/proxy_buffering off/);
    expect(sse).toMatch(/gzip off/);
    expect(/gzip_types ([^;]*);/.exec(locations)?.[1]).not.toMatch(/event-stream/);
  });
});

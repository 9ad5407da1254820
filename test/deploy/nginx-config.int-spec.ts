import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxTest, renderNginx, renderTemplate, selfSignedCert } from '../../tools/validate/nginx.render';

const vars = { NITRO_UPSTREAM_SERVERS: 'server 127.0.0.1:18000; server 127.0.0.1:18001;', NITRO_RATE_LIMIT: '50', NITRO_MAX_BODY: '26m', NITRO_HTTP_PORT: '18080' };

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

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEPLOY = join(__dirname, '..', '..', 'deploy', 'nginx');

/** envsubst as the nginx image does it: ${VAR} replaced, a missing variable is an error here. */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (_m, v: string) => {
    if (!(v in vars)) throw new Error(`template variable ${v} has no value`);
    return vars[v];
  });
}

export interface RenderedNginx {
  prefix: string;
  conf: string;
}

/**
 * Lays out the repository's nginx config the way the official image would (templates rendered into
 * conf.d, locations at /etc/nginx/nitro/) under a temp prefix, wrapped in a minimal nginx.conf that
 * runs unprivileged. `tls` adds the TLS server with the given certificate.
 */
export function renderNginx(vars: Record<string, string>, tls?: { cert: string; key: string; port: number }): RenderedNginx {
  const prefix = mkdtempSync(join(tmpdir(), 'nitro-nginx-'));
  for (const d of ['conf.d', 'nitro', 'logs', 'tmp']) mkdirSync(join(prefix, d), { recursive: true });
  const main = renderTemplate(readFileSync(join(DEPLOY, 'templates', '10-nitro.conf.template'), 'utf8'), vars);
  writeFileSync(
    join(prefix, 'conf.d', '10-nitro.conf'),
    main.replace('/etc/nginx/nitro/locations.conf', join(prefix, 'nitro', 'locations.conf')),
  );
  writeFileSync(join(prefix, 'nitro', 'locations.conf'), readFileSync(join(DEPLOY, 'locations.conf'), 'utf8'));
  if (tls) {
    const t = renderTemplate(readFileSync(join(DEPLOY, 'tls', '30-nitro-tls.conf.template'), 'utf8'), {
      ...vars,
      NITRO_HTTPS_PORT: String(tls.port),
      TLS_CERT_PATH: tls.cert,
      TLS_KEY_PATH: tls.key,
    });
    writeFileSync(
      join(prefix, 'conf.d', '30-nitro-tls.conf'),
      t.replace('/etc/nginx/nitro/locations.conf', join(prefix, 'nitro', 'locations.conf')),
    );
  }
  const conf = join(prefix, 'nginx.conf');
  const tmp = join(prefix, 'tmp');
  writeFileSync(
    conf,
    `daemon off;\nworker_processes 1;\npid ${join(prefix, 'nginx.pid')};\nerror_log ${join(prefix, 'logs', 'error.log')} warn;\nevents { worker_connections 1024; }\nhttp {\n  access_log ${join(prefix, 'logs', 'access.log')};\n  client_body_temp_path ${tmp}/body; proxy_temp_path ${tmp}/proxy; fastcgi_temp_path ${tmp}/fastcgi; uwsgi_temp_path ${tmp}/uwsgi; scgi_temp_path ${tmp}/scgi;\n  include ${join(prefix, 'conf.d')}/*.conf;\n}\n`,
  );
  return { prefix, conf };
}

/** `nginx -t` on the rendered config; returns nginx's own output. */
export function nginxTest(r: RenderedNginx): string {
  return execFileSync('nginx', ['-t', '-p', r.prefix, '-c', r.conf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert],
    { stdio: 'ignore', timeout: 30_000 },
  );
  return { cert, key };
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const hostFor = (env: Record<string, string>) =>
  execFileSync('bash', ['-c', `source scripts/lib.sh && gateway_host`], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' }).trim();

describe('scripts/start.sh exposure', () => {
  it('the gateway listens on 127.0.0.1 unless HOST is set', () => {
    expect(hostFor({})).toBe('127.0.0.1');
    expect(hostFor({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });

  it('start.sh exports that HOST before starting the gateway and says which address in the log; README says so', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'start.sh'), 'utf8');
    const exportAt = script.indexOf('export HOST="$(gateway_host)"');
    expect(exportAt).toBeGreaterThan(0);
    expect(exportAt).toBeLessThan(script.indexOf('node dist/apps/gateway/src/main.js'));
    expect(script).toMatch(/log "gateway on http:\/\/127\.0\.0\.1:[^"]*this machine only/);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/listens on 127\.0\.0\.1 only, unless `HOST` is set/);
  });
});

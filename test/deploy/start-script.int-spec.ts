import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const hostFor = (env: Record<string, string>) =>
  execFileSync('bash', ['-c', `source scripts/lib.sh && gateway_host`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  }).trim();

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

describe('scripts/start.sh stop (issue 14: a service left behind by a stopped start script ran for 18 minutes)', () => {
  it('stop_pids waits for processes that exit on SIGTERM and kills, naming it, one that ignores SIGTERM', () => {
    const script = [
      'source scripts/lib.sh',
      'bash -c \'trap "" TERM; while :; do sleep 0.1; done\' & stubborn=$!',
      'bash -c \'trap "exit 0" TERM; while :; do sleep 0.1; done\' & polite=$!',
      'sleep 0.3',
      'start=$(date +%s%N)',
      'stop_pids 1 "$stubborn" "$polite"',
      'echo "ms=$(( ($(date +%s%N) - start) / 1000000 ))"',
      'kill -0 "$stubborn" 2>/dev/null && echo stubborn-alive || echo stubborn-gone',
      'kill -0 "$polite" 2>/dev/null && echo polite-alive || echo polite-gone',
    ].join('\n');
    const out = execFileSync('bash', ['-c', `{\n${script}\n} 2>&1`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(out).toMatch(/did not stop within 1 s: killing it/);
    expect(out).toContain('stubborn-gone');
    expect(out).toContain('polite-gone');
    const ms = Number(/ms=(\d+)/.exec(out)?.[1]);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3_000);
  });

  it('start.sh stops the services first (waiting SHUTDOWN_TIMEOUT_MS + 5 s), Redis and S3 after them', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'start.sh'), 'utf8');
    expect(script).toMatch(/STOP_WAIT_S=\$\(\( \$\{SHUTDOWN_TIMEOUT_MS:-10000\} \/ 1000 \+ 5 \)\)/);
    expect(script.indexOf('stop_pids "$STOP_WAIT_S" "${pids[@]}"')).toBeLessThan(script.indexOf('stop_pids 5 "${infra[@]}"'));
    expect(script).toMatch(/redis-server[^\n]*&\n\s*infra\+=\(\$!\)/);
  });
});

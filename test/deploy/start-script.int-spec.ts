import { execFileSync, spawn } from 'node:child_process';
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

  it("Ctrl-C (a signal to start.sh's process group) reaches the services but not Redis and S3, which cleanup stops last", async () => {
    // A fresh tester's SIGTERM to the group stopped Redis first: every service then spent its whole shutdown timeout.
    const script = readFileSync(join(ROOT, 'scripts', 'start.sh'), 'utf8');
    expect(script).toMatch(/setsid redis-server /);
    expect(script).toMatch(/setsid node dist\/apps\/media\/src\/dev\/s3rver\.main\.js/);
    // The same pattern, run: a setsid'd child keeps running through a signal to the group; a plain one does not.
    const group = spawn('bash', ['-c', 'setsid sleep 30 & infra=$!; sleep 30 & svc=$!; sleep 0.3; echo "$infra $svc"; wait'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [infra, svc] = (await new Promise<string>((resolve) => group.stdout.once('data', (d) => resolve(String(d)))))
      .trim()
      .split(' ')
      .map(Number);
    // Running, not a zombie waiting to be reaped (its parent, bash, died too).
    const alive = (pid: number) => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    process.kill(-(group.pid as number), 'SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect([alive(infra), alive(svc)]).toEqual([true, false]);
    process.kill(infra, 'SIGTERM');
  });
});

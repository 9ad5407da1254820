/**
 * CPU or allocation profiles of gateway and ai-router under load (issue 17): starts the fake-Ollama stack,
 * runs wrk against one route and prints, by package and by function,
 *   - `cpu` (default): where self time went (`node --cpu-prof`, written when the services stop);
 *   - `alloc`: bytes allocated per request, garbage included (V8's sampling heap profiler, started and
 *     stopped around the measured load by bench/support/heap-sampler.ts).
 *
 *   pnpm build && node dist/bench/chat/profile.bench.js [route=/chat|/chat/stream|/v1] [seconds=10] [connections=64] [root|-] [cpu|alloc]
 *
 * `root`: profile the services built in another checkout (e.g. a worktree of an earlier commit) for a
 * before/after; `-` for this one.
 *
 * The profile files stay in the printed directory: open them in Chrome DevTools (a .heapprofile in the Memory
 * tab) or speedscope for a flame graph.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stopAllProcesses } from '@nitro/testing';
import { profileTable, summariseCpuProfile } from '../support/cpu-profile-summary';
import { allocationTable, summariseHeapProfile } from '../support/heap-profile-summary';
import { startFakeOllamaStack } from '../support/fake-ollama-stack';
import { wrk } from '../support/wrk';

const route = process.argv[2] ?? '/chat';
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 64);
const root = process.argv[5] && process.argv[5] !== '-' ? process.argv[5] : undefined;
const kind = process.argv[6] ?? 'cpu';

const messages = [{ role: 'user', content: 'hi' }];
const ROUTES: Record<string, { path: string; body: unknown }> = {
  '/chat': { path: '/chat', body: { message: 'hi', user_id: 'bench', session_id: 'b1' } },
  '/chat/stream': { path: '/chat/stream', body: { message: 'hi', user_id: 'bench', session_id: 'b1' } },
  '/v1': { path: '/v1/chat/completions', body: { model: 'default', messages } },
};

async function main() {
  const target = ROUTES[route];
  if (!target) throw new Error(`route must be one of ${Object.keys(ROUTES).join(', ')}`);
  if (kind !== 'cpu' && kind !== 'alloc') throw new Error('the profile kind must be cpu or alloc');
  const stack = await startFakeOllamaStack({
    latencyMs: 0,
    cpuProfile: kind === 'cpu',
    heapSampling: kind === 'alloc',
    env: { LOG_LEVEL: 'warn' },
    ...(root ? { root } : {}),
  });
  const services = [stack.gateway, stack.aiRouter];
  await new Promise((r) => setTimeout(r, 1000));
  // Warm up (JIT, connection pools), then profile only the measured load.
  await wrk(`${stack.gatewayUrl}${target.path}`, { body: target.body, connections, seconds: 2 });
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  if (kind === 'alloc') for (const s of services) s.kill('SIGWINCH');
  const r = await wrk(`${stack.gatewayUrl}${target.path}`, { body: target.body, connections, seconds });
  if (kind === 'alloc') {
    for (const s of services) s.kill('SIGWINCH');
    // Each service writes its profile on the second signal; wait for both before stopping them.
    const dirs = Object.values(stack.profileDirs);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !dirs.every((d) => readdirSync(d).some((f) => f.endsWith('.heapprofile'))))
      await new Promise((res) => setTimeout(res, 100));
  }
  await stack.stop();
  console.log(
    `\n${route} under wrk -c${connections} for ${seconds}s: ${r.rps.toFixed(0)} req/s, p50 ${r.p50ms.toFixed(2)} ms, ${r.errors} errors\n`,
  );
  for (const [name, dir] of Object.entries(stack.profileDirs)) {
    if (kind === 'alloc') {
      const file = readdirSync(dir).find((f) => f.endsWith('.heapprofile'));
      if (!file) {
        console.log(`${name}: no heap profile written in ${dir}`);
        continue;
      }
      const s = summariseHeapProfile(join(dir, file), 20);
      console.log(`## ${name} (${join(dir, file)}): ${(s.totalBytes / r.requests / 1024).toFixed(1)} KB allocated per request\n`);
      console.log(allocationTable('package / module', s.groups, r.requests));
      console.log();
      console.log(allocationTable('function', s.functions, r.requests));
      console.log();
      continue;
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) {
      console.log(`${name}: no profile written in ${dir}`);
      continue;
    }
    const s = summariseCpuProfile(join(dir, file), 20, fromUs);
    console.log(`## ${name} (${join(dir, file)}): ${s.totalMs.toFixed(0)} ms sampled, idle ${(s.idleShare * 100).toFixed(0)} %\n`);
    console.log(profileTable('package / module', s.groups, r.requests));
    console.log();
    console.log(profileTable('function', s.functions, r.requests));
    console.log();
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses?.());

/**
 * CPU profiles of gateway and ai-router under load (issue 17): starts the fake-Ollama stack with
 * `node --cpu-prof`, runs wrk against one route, stops both services (the profiles are written on exit)
 * and prints where self time went, by package and by function.
 *
 *   pnpm build && node dist/bench/chat/profile.bench.js [route=/chat|/chat/stream|/v1] [seconds=10] [connections=64] [root]
 *
 * `root`: profile the services built in another checkout (e.g. a worktree of an earlier commit) for a before/after.
 *
 * The .cpuprofile files stay in the printed directory: open them in Chrome DevTools or speedscope for a flame graph.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stopAllProcesses } from '@nitro/testing';
import { profileTable, summariseCpuProfile } from '../support/cpu-profile-summary';
import { startFakeOllamaStack } from '../support/fake-ollama-stack';
import { wrk } from '../support/wrk';

const route = process.argv[2] ?? '/chat';
const seconds = Number(process.argv[3] ?? 10);
const connections = Number(process.argv[4] ?? 64);
const root = process.argv[5];

const messages = [{ role: 'user', content: 'hi' }];
const ROUTES: Record<string, { path: string; body: unknown }> = {
  '/chat': { path: '/chat', body: { message: 'hi', user_id: 'bench', session_id: 'b1' } },
  '/chat/stream': { path: '/chat/stream', body: { message: 'hi', user_id: 'bench', session_id: 'b1' } },
  '/v1': { path: '/v1/chat/completions', body: { model: 'default', messages } },
};

async function main() {
  const target = ROUTES[route];
  if (!target) throw new Error(`route must be one of ${Object.keys(ROUTES).join(', ')}`);
  const stack = await startFakeOllamaStack({ latencyMs: 0, cpuProfile: true, env: { LOG_LEVEL: 'warn' }, ...(root ? { root } : {}) });
  await new Promise((r) => setTimeout(r, 1000));
  // Warm up (JIT, connection pools), then profile only the measured load.
  await wrk(`${stack.gatewayUrl}${target.path}`, { body: target.body, connections, seconds: 2 });
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const r = await wrk(`${stack.gatewayUrl}${target.path}`, { body: target.body, connections, seconds });
  await stack.stop();
  console.log(
    `\n${route} under wrk -c${connections} for ${seconds}s: ${r.rps.toFixed(0)} req/s, p50 ${r.p50ms.toFixed(2)} ms, ${r.errors} errors\n`,
  );
  for (const [name, dir] of Object.entries(stack.profileDirs)) {
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

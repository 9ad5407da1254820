/**
 * Code review throughput with the real engines (issue 20): Ruff, secretlint and tree-sitter on a
 * 1,000-line Python file, ESLint on a 1,000-line JavaScript file, in the agents service's worker
 * pool, and how late the event loop runs meanwhile (it must stay free for heartbeats).
 *
 *   pnpm build && node dist/bench/agents/agents.bench.js [seconds=10] [workers=2]
 *
 * Prints a Markdown table: reviews/s, latency p50/p99, and the event loop's delay (p99 and worst;
 * on 2 cores shared with the workers, the OS scheduler, not blocking code, sets most of it).
 */
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AgentsEnv, loadConfig } from '@nitro/config';
import { CodeLanguage } from '@nitro/contracts';
import { CodeAnalyzerService } from '../../apps/agents/src/code-assistant/code-analyzer.service';
import { ReviewPool } from '../../apps/agents/src/code-assistant/review/review-pool.service';

const seconds = Number(process.argv[2] ?? 10);
const workers = Number(process.argv[3] ?? 2);

/** ~1,000 lines of ordinary Python: documented functions with a loop, a branch, and one finding in every fifth. */
function python1000(): string {
  const lines = ['"""Generated module."""', 'import json', '', ''];
  for (let i = 0; lines.length < 1000; i++) {
    lines.push(
      `def step_${i}(items, limit=10):`,
      `    """Process items, step ${i}."""`,
      '    total = 0',
      '    for item in items:',
      '        if item > limit:',
      '            total += item',
      i % 5 === 0 ? '    return eval(str(total))' : '    return json.dumps(total)',
      '',
      '',
    );
  }
  return lines.join('\n');
}

/** ~1,000 lines of JavaScript in the same shape. */
function javascript1000(): string {
  const lines = ["'use strict';", ''];
  for (let i = 0; lines.length < 1000; i++) {
    lines.push(
      `/** Step ${i}. */`,
      `export function step${i}(items, limit = 10) {`,
      '  let total = 0;',
      '  for (const item of items) {',
      '    if (item > limit) total += item;',
      '  }',
      i % 5 === 0 ? '  return eval(String(total));' : '  return JSON.stringify(total);',
      '}',
      '',
    );
  }
  return lines.join('\n');
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function run(analyzer: CodeAnalyzerService, code: string, language: CodeLanguage, concurrency: number) {
  const latencies: number[] = [];
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const end = Date.now() + seconds * 1000;
  let findings = 0;
  lag.enable();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        const r = await analyzer.analyze({ code, language });
        latencies.push(performance.now() - t);
        findings = r.findings.length;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  lag.disable();
  return {
    reviews: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    lagP99: lag.percentile(99) / 1e6,
    lagMax: lag.max / 1e6,
    findings,
  };
}

async function main() {
  const env = loadConfig(AgentsEnv, { CODE_REVIEW_WORKERS: String(workers), MAX_CODE_CHARS: '1000000', CODE_REVIEW_TIMEOUT_MS: '120000' });
  const pool = new ReviewPool(env);
  const analyzer = new CodeAnalyzerService(pool, env);
  const t = performance.now();
  await pool.onModuleInit();
  console.log(`pool start (one worker loads Ruff, ESLint + TypeScript, grammars): ${Math.round(performance.now() - t)} ms`);
  const py = python1000();
  const js = javascript1000();
  // Warm every worker on both languages before measuring.
  await Promise.all(
    Array.from({ length: workers * 2 }, (_, i) => analyzer.analyze({ code: i % 2 ? js : py, language: i % 2 ? 'javascript' : 'python' })),
  );
  console.log(
    `\n| file | concurrency | reviews | reviews/s | p50 ms | p99 ms | findings | event loop delay p99 / max ms |\n|---|---|---|---|---|---|---|---|`,
  );
  for (const [name, code, language] of [
    [`Python ${py.split('\n').length} lines (${(py.length / 1024).toFixed(0)} KiB)`, py, 'python'],
    [`JavaScript ${js.split('\n').length} lines (${(js.length / 1024).toFixed(0)} KiB)`, js, 'javascript'],
  ] as const) {
    for (const concurrency of [1, workers * 2]) {
      const r = await run(analyzer, code, language, concurrency);
      console.log(
        `| ${name} | ${concurrency} | ${r.reviews} | ${r.perSecond.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.findings} | ${r.lagP99.toFixed(0)} / ${r.lagMax.toFixed(0)} |`,
      );
    }
  }
  await pool.onModuleDestroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

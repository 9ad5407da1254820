/**
 * What validating one request body costs, in µs per call (medians of 5 batches after a warm-up), for the
 * bodies of the chat bench (`POST /chat`, `POST /v1/chat/completions`) and ai-router's chat command:
 *   - `class-transformer`: `plainToInstance` alone (both paths pay it);
 *   - `class-validator`: `validateSync` with the body pipe's options, on a new instance each time;
 *   - `fast path`: `passesValidation` (libs/service-kit/src/validation-fast-path.ts) on a new instance.
 * Then the gateway's whole body pipe (`createValidationPipe().transform`: Nest's ValidationPipe with our options,
 * class-transformer included) per body, built from this checkout and, when `root` names another checkout's
 * build (e.g. a worktree of an earlier commit), from that one, alternately.
 *
 *   pnpm build && node dist/bench/validation/validation.bench.js [calls=50000] [root]
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { ChatCommand, ChatCompletionRequestDto, ChatRequestDto } from '@nitro/contracts';
import { passesValidation } from '@nitro/service-kit';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

const calls = Number(process.argv[2] ?? 50_000);
const roots: [string, string][] = [['this checkout', join(__dirname, '..', '..', '..')]];
if (process.argv[3]) roots.push([process.argv[3], process.argv[3]]);
const OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

const cases: [string, new () => object, object][] = [
  ['POST /chat body', ChatRequestDto, { message: 'hi', user_id: 'bench', session_id: 'ab' }],
  ['POST /v1/chat/completions body', ChatCompletionRequestDto, { model: 'default', messages: [{ role: 'user', content: 'hi' }] }],
  ['chat.send command (ai-router)', ChatCommand, { message: 'hi', user_id: 'bench', session_id: 'ab', options: { temperature: 0 } }],
];

/** The median µs per call of 5 batches, after a warm-up batch (the JIT). */
function measure(fn: () => unknown): number {
  for (let i = 0; i < calls / 5; i++) fn();
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls / 5; i++) fn();
    batches.push(Number(process.hrtime.bigint() - t0) / (calls / 5) / 1000);
  }
  return batches.sort((a, b) => a - b)[2];
}

console.log(`\n${calls} calls per row, medians of 5 batches; validation columns exclude plainToInstance\n`);
console.log('| body | class-transformer µs | class-validator µs | fast path µs |');
console.log('|---|---|---|---|');
for (const [name, cls, body] of cases) {
  const instance = plainToInstance(cls, body);
  if (!passesValidation(instance) || validateSync(instance, OPTIONS).length) throw new Error(`${name}: the bench body must be valid`);
  const t = measure(() => plainToInstance(cls, body));
  const cv = measure(() => validateSync(plainToInstance(cls, body), OPTIONS));
  const fast = measure(() => passesValidation(plainToInstance(cls, body)));
  console.log(`| ${name} | ${t.toFixed(2)} | ${(cv - t).toFixed(2)} | ${(fast - t).toFixed(2)} |`);
}

interface BodyPipe {
  transform(value: unknown, metadata: { type: 'body'; metatype: unknown }): Promise<unknown>;
}

/** The median µs per `transform` of 5 batches (a fresh copy of the body each time, as a request parses one). */
async function measurePipe(pipe: BodyPipe, cls: unknown, json: string): Promise<number> {
  const run = async (n: number) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await pipe.transform(JSON.parse(json), { type: 'body', metatype: cls });
    return Number(process.hrtime.bigint() - t0) / n / 1000;
  };
  await run(calls / 5);
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) batches.push(await run(calls / 5));
  return batches.sort((a, b) => a - b)[2];
}

async function pipes() {
  // Each build's own pipe with its own copies of the libraries it loads from dist/ (contracts come from this checkout:
  // the same DTO classes for both, so only the pipe and what it calls differ).
  const built = roots.map(([name, root]) => {
    const mod = require(join(root, 'dist/apps/gateway/src/common/validation.pipe.js')) as { createValidationPipe(): BodyPipe };
    return { name, pipe: mod.createValidationPipe() };
  });
  console.log(`\nThe gateway's body pipe, µs per request body (JSON.parse included), medians of 5 batches\n`);
  console.log(`| body | ${built.map((b) => b.name).join(' | ')} |`);
  console.log(`|---|${built.map(() => '---|').join('')}`);
  for (const [name, cls, body] of cases.slice(0, 2)) {
    const json = JSON.stringify(body);
    const us: number[] = [];
    for (const b of built) us.push(await measurePipe(b.pipe, cls, json));
    console.log(`| ${name} | ${us.map((u) => u.toFixed(2)).join(' | ')} |`);
  }
}

pipes().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

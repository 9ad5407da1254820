import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Proves the Nx boundary rule is live (it silently skips itself when no project graph exists). */
describe('module boundaries', () => {
  const root = join(__dirname, '..');
  beforeAll(() => {
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: root, stdio: 'ignore', timeout: 120_000 });
  }, 130_000);

  /** Lints source text as if it lived at `file`, through the eslint CLI (the API needs ESM loading jest lacks). */
  const lint = (file: string, code: string, rule = '@nx/enforce-module-boundaries'): string[] => {
    const r = spawnSync('npx', ['eslint', '--stdin', '--stdin-filename', file, '--format', 'json'], {
      cwd: root,
      input: code,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const [result] = JSON.parse(r.stdout);
    return result.messages.filter((m: { ruleId: string }) => m.ruleId === rule).map((m: { message: string }) => m.message);
  };

  it('forbids one app importing another', () => {
    expect(lint('apps/gateway/src/probe.ts', "import { x } from '../../ai-router/src/main';\nexport const y = x;\n")).not.toEqual([]);
  });

  it('forbids the contracts lib importing a data-access lib (by tag, or as a cycle since transport imports contracts)', () => {
    expect(
      lint(
        'libs/contracts/src/probe.ts',
        "import { RedisStreamsClient } from '@nitro/transport';\nexport const y = RedisStreamsClient;\n",
      ).join(),
    ).toMatch(/tag|Circular dependency/);
  });

  it('forbids the contracts lib importing a util lib of ours', () => {
    expect(
      lint('libs/contracts/src/probe.ts', "import { getLogger } from '@nitro/observability';\nexport const y = getLogger;\n").join(),
    ).toMatch(/tag/);
  });

  it.each(['ioredis', 'bullmq', '@aws-sdk/client-s3', 'fastify', '@nestjs/microservices'])(
    'forbids the contracts lib importing the I/O package %s',
    (pkg) => {
      expect(lint('libs/contracts/src/probe.ts', `import * as io from '${pkg}';\nexport const y = io;\n`).join()).toMatch(
        /not allowed to import/,
      );
    },
  );

  it('allows the contracts lib its own kind of packages (validation, Swagger decorators)', () => {
    expect(lint('libs/contracts/src/probe.ts', "import { IsString } from 'class-validator';\nexport const y = IsString;\n")).toEqual([]);
  });

  it('forbids production code importing @nitro/testing, and allows specs to', () => {
    const probe = "import { freePort } from '@nitro/testing';\nexport const y = freePort;\n";
    expect(lint('apps/gateway/src/probe.ts', probe, 'no-restricted-imports')).not.toEqual([]);
    expect(lint('libs/transport/src/probe.ts', probe, 'no-restricted-imports')).not.toEqual([]);
    expect(lint('apps/gateway/src/probe.spec.ts', probe, 'no-restricted-imports')).toEqual([]);
  });

  it('allows an app to import shared libs', () => {
    expect(lint('apps/gateway/src/probe.ts', "import { SERVICES } from '@nitro/contracts';\nexport const y = SERVICES;\n")).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RedisStreamsClient, type RedisStreamsClientOptions } from '../src';
import { spawnService, type ServiceProcess } from '@nitro/testing';
import { firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Compiles the fixture service (and the libs it imports) with swc into a private folder, so
 * tests run real `node` child processes without touching dist/ that other builds write to.
 */
export function buildFixtures(): { script: string; cleanup(): void } {
  const outDir = join(ROOT, 'tmp', `transport-it-${process.pid}-${Date.now()}`);
  // Only the libs the fixture needs (transport imports contracts for its typed clients): other libs
  // may be mid-edit and are not this suite's concern.
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'swc'),
    ['libs/transport', 'libs/observability', 'libs/contracts', '-d', outDir, '--config-file', '.swcrc', '--quiet'],
    { cwd: ROOT, stdio: 'pipe' },
  );
  const script = join(outDir, 'libs', 'transport', 'test', 'fixtures', 'test-service.fixture.js');
  if (!existsSync(script)) throw new Error(`swc did not produce ${script}`);
  return { script, cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

export interface ReplicaOptions {
  redisUrl: string;
  service: string;
  replica: string;
  claimIdleMs?: number;
  maxLen?: number;
  concurrency?: number;
  deadConsumerIdleMs?: number;
}

export function startReplica(script: string, o: ReplicaOptions): Promise<ServiceProcess> {
  const env: Record<string, string> = {
    REDIS_URL: o.redisUrl,
    SERVICE: o.service,
    REPLICA: o.replica,
    CONSUMER: `${o.service}:${o.replica}`,
  };
  if (o.claimIdleMs) env.CLAIM_IDLE_MS = String(o.claimIdleMs);
  if (o.maxLen) env.MAX_LEN = String(o.maxLen);
  if (o.concurrency) env.CONCURRENCY = String(o.concurrency);
  if (o.deadConsumerIdleMs) env.DEAD_CONSUMER_IDLE_MS = String(o.deadConsumerIdleMs);
  return spawnService({ name: `transport-${o.service}-${o.replica}`, script, env, readyLine: /^READY /m, timeoutMs: 20_000 });
}

export async function connectClient(options: RedisStreamsClientOptions): Promise<RedisStreamsClient> {
  const client = new RedisStreamsClient(options);
  await client.connect();
  return client;
}

export const one = <T>(obs: Observable<T>): Promise<T> => firstValueFrom(obs);
export const all = <T>(obs: Observable<T>): Promise<T[]> => lastValueFrom(obs.pipe(toArray()));

/** Settles to { ok, value } or { ok: false, error } so tests can assert on failures without try/catch. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

let counter = 0;
/** A service name unique to this test run, so tests never share streams or groups. */
export const uniqueService = (label: string): string => `it-${label}-${process.pid}-${++counter}`;

import { freePort, startRedisServer, stopAllProcesses, waitFor, type RedisServerHandle, type ServiceProcess } from '@nitro/testing';
import { RedisStreamsClient, ReplicaLostError, requestStreamKey, ServiceUnavailableError, TransportTimeoutError } from '../src';
import Redis from 'ioredis';
import { buildFixtures, connectClient, one, settle, startReplica, uniqueService } from './transport-harness';

jest.setTimeout(30_000);

describe('Redis Streams transport: timeouts, dead replicas, Redis restarts', () => {
  let redis: RedisServerHandle;
  let admin: Redis;
  let build: ReturnType<typeof buildFixtures>;
  const clients: RedisStreamsClient[] = [];
  const client = async (service: string, timeoutMs: number) => {
    const c = await connectClient({ redisUrl: redis.url, service, timeoutMs });
    clients.push(c);
    return c;
  };
  const replicas = (service: string, names: string[], extra: { deadConsumerIdleMs?: number } = {}) =>
    Promise.all(
      names.map((replica) => startReplica(build.script, { redisUrl: redis.url, service, replica, claimIdleMs: 1_000, ...extra })),
    );

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url, { retryStrategy: () => 100 });
    admin.on('error', () => undefined);
    build = buildFixtures();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    admin?.disconnect(); // before Redis goes away, or ioredis keeps a 2 s disconnect timer alive
    await stopAllProcesses();
    await redis?.stop();
    build?.cleanup();
  });

  it('times out with an error naming service, pattern and limit', async () => {
    const service = uniqueService('timeout');
    await replicas(service, ['a']);
    const c = await client(service, 500);
    const started = Date.now();
    const result = await settle(one(c.send('slow', { ms: 3_000 })));
    const elapsed = Date.now() - started;
    expect(!result.ok && result.error).toBeInstanceOf(TransportTimeoutError);
    expect(!result.ok && result.error.message).toBe(`Service "${service}" did not answer "slow" within 500 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('fails fast with ServiceUnavailableError when the service has no live replica', async () => {
    const c = await client(uniqueService('absent'), 30_000);
    const started = Date.now();
    const result = await settle(one(c.send('echo', {})));
    expect(!result.ok && result.error).toBeInstanceOf(ServiceUnavailableError);
    expect(!result.ok && result.error.message).toContain(c.service);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fails with ServiceUnavailableError naming Redis when Redis cannot be reached', async () => {
    const c = new RedisStreamsClient({ redisUrl: `redis://127.0.0.1:${await freePort()}`, service: 'anything' });
    clients.push(c);
    const result = await settle(one(c.send('echo', {})));
    expect(!result.ok && result.error).toBeInstanceOf(ServiceUnavailableError);
    expect(!result.ok && result.error.message).toMatch(/"anything" is unavailable: cannot connect to Redis/);
  });

  it('completes requests of a SIGKILLed replica on the other one; none hangs', async () => {
    const service = uniqueService('kill');
    const [a] = await replicas(service, ['a', 'b']);
    const c = await client(service, 10_000);
    const started = Date.now();
    const pending = Array.from({ length: 20 }, (_, n) => settle(one(c.send<{ n: number; replica: string }>('slow', { ms: 1_500, n }))));
    await new Promise((r) => setTimeout(r, 300));
    a.kill('SIGKILL');
    const results = await Promise.all(pending);
    expect(Date.now() - started).toBeLessThan(10_000);
    // A's share was reclaimed (idle > claimIdleMs) and answered by B.
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.ok && r.value.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(results.every((r) => r.ok && r.value.replica === 'b')).toBe(true);
  });

  it('reports a replica dying mid-stream instead of duplicating output, then drops the dead consumer', async () => {
    const service = uniqueService('stream');
    const procs = await replicas(service, ['a', 'b'], { deadConsumerIdleMs: 1_500 });
    const byName: Record<string, ServiceProcess> = { a: procs[0], b: procs[1] };
    const c = await client(service, 10_000);
    const seen: number[] = [];
    let victim = '';
    const outcome = await new Promise<{ error?: unknown; completed?: boolean }>((resolve) => {
      c.send<{ i: number; replica: string }>('count', { n: 40, delayMs: 100 }).subscribe({
        next: (p) => {
          seen.push(p.i);
          if (!victim) {
            victim = p.replica;
            byName[victim].kill('SIGKILL');
          }
        },
        error: (error) => resolve({ error }),
        complete: () => resolve({ completed: true }),
      });
    });
    expect(outcome.error).toBeInstanceOf(ReplicaLostError);
    expect((outcome.error as Error).message).toMatch(/failed mid-stream/);
    expect(seen).toEqual(seen.map((_, i) => i)); // in order, no duplicates
    // The dead replica's consumer is removed from the group once it owns nothing.
    await waitFor(
      async () => {
        const consumers = (await admin.call('XINFO', 'CONSUMERS', requestStreamKey(service), service)) as string[][];
        return consumers.every((info) => info[1] !== `${service}:${victim}`);
      },
      { timeoutMs: 10_000, description: 'dead consumer removed' },
    );
  });

  it('survives a Redis restart: service and client recover without restarting', async () => {
    const service = uniqueService('restart');
    const procs = await replicas(service, ['a', 'b']);
    const c = await client(service, 3_000);
    expect(await one(c.send('echo', { n: 1 }))).toMatchObject({ echo: { n: 1 } });

    const inFlight = settle(one(c.send('slow', { ms: 500 })));
    await redis.restart(); // empty data: streams, groups, presence all gone
    const interrupted = await inFlight; // answered, or failed with a clear error: it must not hang
    if (!interrupted.ok) expect(interrupted.error).toBeInstanceOf(Error);

    await waitFor(async () => (await one(c.send<{ echo: { n: number } }>('echo', { n: 2 }))).echo.n === 2, {
      timeoutMs: 15_000,
      intervalMs: 200,
      description: 'a request succeeds after the restart',
    });
    const after = await Promise.all(Array.from({ length: 100 }, (_, n) => one(c.send<{ echo: { n: number } }>('echo', { n }))));
    expect(after.map((r) => r.echo.n)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    for (const proc of procs) expect(proc.logs()).not.toMatch(/fixture failed/);
    expect(await Promise.race([procs[0].exited.then(() => 'exited'), new Promise((r) => setTimeout(() => r('alive'), 50))])).toBe('alive');
  });
});

import { traceContext } from '@nitro/observability';
import { startRedisServer, stopAllProcesses, waitFor, type RedisServerHandle } from '@nitro/testing';
import { PATTERN_NOT_FOUND, replyStreamKey, requestStreamKey, type RedisStreamsClient } from '../src';
import Redis from 'ioredis';
import { all, buildFixtures, connectClient, one, settle, startReplica, uniqueService } from './transport-harness';

jest.setTimeout(30_000);

describe('Redis Streams transport: request/reply against real replicas', () => {
  let redis: RedisServerHandle;
  let admin: Redis;
  let build: ReturnType<typeof buildFixtures>;
  let service: string;
  let client: RedisStreamsClient;
  const clients: RedisStreamsClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    build = buildFixtures();
    service = uniqueService('rr');
    await Promise.all(['a', 'b'].map((replica) => startReplica(build.script, { redisUrl: redis.url, service, replica })));
    client = await connectClient({ redisUrl: redis.url, service, timeoutMs: 10_000 });
    clients.push(client);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    admin?.disconnect(); // before Redis goes away, or ioredis keeps a 2 s disconnect timer alive
    await stopAllProcesses();
    await redis?.stop();
    build?.cleanup();
  });

  it('handles each of 1,000 concurrent requests exactly once, spread over both replicas', async () => {
    const record = `${service}:handled`;
    const replies = await Promise.all(
      Array.from({ length: 1000 }, (_, n) => one(client.send<{ echo: { n: number }; replica: string }>('echo', { n, record }))),
    );
    expect(replies.map((r) => r.echo.n)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
    const counts = await admin.hgetall(record);
    expect(Object.keys(counts)).toHaveLength(1000);
    expect(Object.values(counts).every((c) => c === '1')).toBe(true);
    const byReplica = new Set(replies.map((r) => r.replica));
    expect(byReplica).toEqual(new Set(['a', 'b']));
  });

  it('streams an Observable reply in order, then completes', async () => {
    const packets = await all(client.send<{ i: number }>('count', { n: 50, delayMs: 2 }));
    expect(packets.map((p) => p.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('stops the handler on the serving replica when the caller unsubscribes (cancellation)', async () => {
    const key = `${service}:ticker:${Date.now()}`;
    const got: number[] = [];
    await new Promise<void>((resolve) => {
      const sub = client.send<{ i: number }>('ticker', { key }).subscribe((p) => {
        got.push(p.i);
        if (got.length === 3) {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    await waitFor(async () => (await admin.get(key)) !== null, { timeoutMs: 5_000, intervalMs: 20 });
    const stoppedAt = Number(/stopped after (\d+)/.exec((await admin.get(key)) as string)?.[1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    expect(stoppedAt).toBeLessThan(60); // it would tick forever without the cancel
    expect(client.inFlight).toBe(0);
  });

  it('propagates an RpcException payload as the error object', async () => {
    const result = await settle(one(client.send('fail', { status: 404, code: 'NOT_FOUND', message: 'no such user' })));
    expect(result).toEqual({ ok: false, error: { status: 404, code: 'NOT_FOUND', message: 'no such user' } });
  });

  it('answers an unknown pattern with an error naming it', async () => {
    const result = await settle(one(client.send('does.not.exist', {})));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ code: PATTERN_NOT_FOUND, message: expect.stringContaining('"does.not.exist"') });
  });

  it('routes replies only to the client that asked', async () => {
    const other = await connectClient({ redisUrl: redis.url, service, timeoutMs: 10_000 });
    clients.push(other);
    const ask = (c: RedisStreamsClient, tag: string) =>
      Promise.all(Array.from({ length: 200 }, (_, n) => one(c.send<{ echo: { tag: string; n: number } }>('echo', { tag, n }))));
    const [mine, theirs] = await Promise.all([ask(client, 'mine'), ask(other, 'theirs')]);
    expect(mine.every((r) => r.echo.tag === 'mine')).toBe(true);
    expect(theirs.every((r) => r.echo.tag === 'theirs')).toBe(true);
    // The other client's reply stream holds its creation marker and its own 200 replies, nothing else.
    expect(await admin.xlen(replyStreamKey(other.clientId))).toBe(201);
  });

  it('carries the trace id to the handler (context and AsyncLocalStorage)', async () => {
    const reply = await traceContext.run({ traceId: 'trace-it-123' }, () => one(client.send('trace', {})));
    expect(reply).toEqual({ ctxTraceId: 'trace-it-123', alsTraceId: 'trace-it-123' });
    const fresh = await one(client.send<{ ctxTraceId: string }>('trace', {}));
    expect(fresh.ctxTraceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('delivers events to exactly one replica each', async () => {
    const list = `${service}:notes`;
    await Promise.all(Array.from({ length: 20 }, (_, i) => one(client.emit('note', { list, value: String(i) }))));
    const notes = await waitFor(async () => {
      const items = await admin.lrange(list, 0, -1);
      return items.length >= 20 ? items : null;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await admin.llen(list)).toBe(20);
    expect(new Set(notes.map((n) => n.split(':')[1])).size).toBe(20);
  });

  it('keeps request and reply streams bounded (MAXLEN ~)', async () => {
    // maxLen must exceed the backlog (unread requests/replies): MAXLEN trims unread entries too.
    const bounded = uniqueService('bounded');
    await startReplica(build.script, { redisUrl: redis.url, service: bounded, replica: 'a', maxLen: 500 });
    const c = await connectClient({ redisUrl: redis.url, service: bounded, maxLen: 500, timeoutMs: 10_000 });
    clients.push(c);
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 150 }, (_, n) => one(c.send('echo', { n }))));
    }
    // `~` trims whole radix-tree nodes (100 entries each by default), hence the slack.
    expect(await admin.xlen(requestStreamKey(bounded))).toBeLessThanOrEqual(500 + 150);
    expect(await admin.xlen(replyStreamKey(c.clientId))).toBeLessThanOrEqual(500 + 150);
  });
});

import { Redis, type RedisOptions, ReplyError } from 'ioredis';
import { freePort, RedisServerHandle, startRedisServer } from '@nitro/testing';
import { isRedisUnavailable } from '../src/redis-errors.util';

/** What a real ioredis client rejects commands with when Redis cannot serve: each must read as "unavailable". */
describe('isRedisUnavailable (real ioredis, real Redis)', () => {
  let server: RedisServerHandle;
  const clients: Redis[] = [];
  const client = (url: string, opts: RedisOptions = {}) => {
    const c = new Redis(url, { lazyConnect: true, retryStrategy: () => null, ...opts });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('the command succeeded');
      },
      (e: unknown) => e,
    );

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });

  it('nobody listening: max retries spent, and no offline queue', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const retries = client(dead, { maxRetriesPerRequest: 0, lazyConnect: false });
    expect(isRedisUnavailable(await failure(retries.get('k')))).toBe(true);
    const noQueue = client(dead, { enableOfflineQueue: false });
    expect(isRedisUnavailable(await failure(noQueue.get('k')))).toBe(true);
  });

  it('a closed connection and a command timeout', async () => {
    const closed = client(server.url);
    await closed.connect();
    await closed.quit();
    expect(isRedisUnavailable(await failure(closed.get('k')))).toBe(true);

    const admin = client(server.url);
    const slow = client(server.url, { commandTimeout: 50 });
    await Promise.all([admin.connect(), slow.connect()]);
    await admin.call('CLIENT', 'PAUSE', '500', 'ALL');
    expect(isRedisUnavailable(await failure(slow.get('k')))).toBe(true);
    await admin.call('CLIENT', 'UNPAUSE');
  });

  it('a fault of ours is not "unavailable": a WRONGTYPE reply, an unknown command, a plain error', async () => {
    const c = client(server.url);
    await c.set('str', 'x');
    expect(isRedisUnavailable(await failure(c.lpush('str', 'y')))).toBe(false);
    expect(isRedisUnavailable(await failure(c.call('NO-SUCH-COMMAND')))).toBe(false);
    expect(isRedisUnavailable(new Error('boom'))).toBe(false);
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
    // A failing-over server's reply (a replica refusing a write): the first word decides.
    expect(isRedisUnavailable(new ReplyError("READONLY You can't write against a read only replica."))).toBe(true);
  });
});

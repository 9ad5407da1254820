import { Redis } from 'ioredis';
import { RedisServerHandle, startRedisServer, waitFor } from '@nitro/testing';
import { createRedisClient } from '../src/redis-client.factory';

type WithConnector = { connector: { disconnect(): void } };

/**
 * The ioredis 6 race behind a failed failover (redis-revive.util.ts), on a real Redis: the connector is closed while a
 * connect is under way, as the old failover detector does on +switch-master. Our clients connect again; a close we
 * asked for stays closed.
 */
describe('a client ended by ioredis mid-connect comes back (real Redis)', () => {
  let server: RedisServerHandle;
  const clients: Redis[] = [];
  const track = (c: Redis) => (c.on('error', () => undefined), clients.push(c), c);
  /** Starts a connect and closes the connector under it; resolves with the connect's error. */
  const raceConnect = async (c: Redis) => {
    const connecting = c.connect().then(
      () => undefined,
      (e: Error) => e,
    );
    (c as unknown as WithConnector).connector.disconnect();
    return connecting;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });

  it('plain ioredis stays ended: every command fails with "Connection is closed." (the fault)', async () => {
    const c = track(new Redis(server.url, { lazyConnect: true, retryStrategy: () => 50 }));
    expect((await raceConnect(c))?.message).toBe('Connection is closed.');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.status).toBe('end');
    await expect(c.ping()).rejects.toThrow('Connection is closed.');
  });

  it('a client from createRedisClient connects again and answers', async () => {
    const c = track(createRedisClient(server.url, { name: 'revive-test', maxRetriesPerRequest: 1, lazyConnect: true }));
    expect((await raceConnect(c))?.message).toBe('Connection is closed.');
    await waitFor(() => c.status === 'ready', { timeoutMs: 5_000, intervalMs: 20, description: 'the client is ready again' });
    expect(await c.ping()).toBe('PONG');
  });

  it('a quit or a disconnect of ours stays closed', async () => {
    const quitting = track(createRedisClient(server.url, { name: 'revive-quit', maxRetriesPerRequest: 1 }));
    await waitFor(() => quitting.status === 'ready', { timeoutMs: 5_000, intervalMs: 20, description: 'connected' });
    await quitting.quit();
    const leaving = track(createRedisClient(server.url, { name: 'revive-leave', maxRetriesPerRequest: 1, lazyConnect: true }));
    const connecting = leaving.connect().catch(() => undefined);
    leaving.disconnect();
    await connecting;
    await new Promise((r) => setTimeout(r, 500));
    expect([quitting.status, leaving.status]).toEqual(['end', 'end']);
  });
});

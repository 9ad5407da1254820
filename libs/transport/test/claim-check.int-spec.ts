import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '@nitro/testing';
import { ClaimCheck } from '../src/claim-check';

describe('ClaimCheck (real Redis)', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('hands the bytes over once, within their scope only', async () => {
    const claims = new ClaimCheck(redis, { namespace: 'test', ttlMs: 60_000 });
    const id = await claims.put(Buffer.from('hello'), 'alice');
    expect(await claims.take(id, 'bob')).toBeNull();
    expect((await claims.take(id, 'alice'))?.toString()).toBe('hello');
    expect(await claims.take(id, 'alice')).toBeNull();
  });

  it('lets an untaken claim expire, and drop frees it at once', async () => {
    const claims = new ClaimCheck(redis, { namespace: 'ttl', ttlMs: 50 });
    const expiring = await claims.put(Buffer.from([1, 2, 3]));
    await new Promise((r) => setTimeout(r, 120));
    expect(await claims.take(expiring)).toBeNull();
    const dropped = await new ClaimCheck(redis, { namespace: 'ttl', ttlMs: 60_000 }).put(Buffer.from([4]));
    await claims.drop(dropped);
    expect(await claims.take(dropped)).toBeNull();
  });
});

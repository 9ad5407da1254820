import { Redis } from 'ioredis';
import { freePort } from '@nitro/testing';
import { toErrorBody } from './http-error.filter';

describe('toErrorBody', () => {
  it('a Redis that cannot be reached is a 503 REDIS_UNAVAILABLE to retry, not a 500 (a real ioredis rejection)', async () => {
    const redis = new Redis(await freePort(), '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const err = await redis.get('k').catch((e: unknown) => e);
    redis.disconnect();
    expect(toErrorBody(err)).toMatchObject({
      statusCode: 503,
      error: 'REDIS_UNAVAILABLE',
      message: expect.stringMatching(/retry shortly/),
    });
  });

  it('anything else unknown stays a 500 that says nothing of the inside', () => {
    expect(toErrorBody(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toMatchObject({
      statusCode: 500,
      error: 'INTERNAL',
      message: 'internal error',
    });
  });
});

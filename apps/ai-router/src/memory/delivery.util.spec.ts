import { RedisStreamsContext } from '@nitro/transport';
import { deliveryOf } from './delivery.util';

const ctx = (over: Partial<ConstructorParameters<typeof RedisStreamsContext>[0]> = {}) =>
  new RedisStreamsContext({ pattern: 'chat.send', traceId: 't', messageId: '1-0', consumer: 'c', reclaimed: false, ...over });

describe('deliveryOf', () => {
  it('keys a request by its reply stream and id, kept until its deadline plus a margin', () => {
    const d = deliveryOf(ctx({ requestId: '7', replyTo: 'nitro:rep:h:1:ab', deadline: 31_000 }), 1_000);
    expect(d).toEqual({ requestKey: 'nitro:rep:h:1:ab|7', ttlSeconds: 90 });
  });

  it('is undefined for events and direct calls: nothing to deduplicate', () => {
    expect(deliveryOf(ctx({ deadline: 0 }))).toBeUndefined();
    expect(deliveryOf(ctx({ requestId: '7', replyTo: 'r', deadline: 0 }))).toBeUndefined();
    expect(deliveryOf(undefined)).toBeUndefined();
  });

  it('still keeps the key a while for a request past its deadline', () => {
    expect(deliveryOf(ctx({ requestId: '0', replyTo: 'r', deadline: 500 }), 10_000)?.ttlSeconds).toBe(60);
  });
});

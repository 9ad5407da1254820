import { EngineSlots } from './engine-slots';
import { ProcessError } from './process-runner';

describe('EngineSlots', () => {
  it('lets `size` holders in and queues the rest in order', async () => {
    const slots = new EngineSlots(2);
    const a = await slots.acquire();
    const b = await slots.acquire();
    const order: string[] = [];
    const c = slots.acquire().then((r) => (order.push('c'), r));
    const d = slots.acquire().then((r) => (order.push('d'), r));
    expect(slots.queued).toBe(2);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(slots.busy).toBe(0);
  });

  it('removes an aborted waiter from the queue', async () => {
    const slots = new EngineSlots(1);
    const first = await slots.acquire();
    const ac = new AbortController();
    const waiting = slots.acquire(ac.signal);
    ac.abort();
    await expect(waiting).rejects.toBeInstanceOf(ProcessError);
    expect(slots.queued).toBe(0);
    first();
    expect(slots.busy).toBe(0);
  });

  it('ignores a second release', async () => {
    const slots = new EngineSlots(1);
    const release = await slots.acquire();
    release();
    release();
    expect(slots.busy).toBe(0);
    await slots.acquire();
    expect(slots.busy).toBe(1);
  });
});

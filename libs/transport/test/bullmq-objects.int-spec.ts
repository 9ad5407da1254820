import { randomBytes } from 'node:crypto';
import type { Queue, QueueEvents } from 'bullmq';
import { startRedisServer, waitFor, type RedisServerHandle } from '@nitro/testing';
import { closeBullmq, createBullmqQueue, openQueueEvents, type BullmqQueueSpec } from '../src/bullmq-objects.util';

/** The lazily made BullMQ objects of the gateway (issue 17), against a real Redis; a queue name per test. */
describe('openQueueEvents (real Redis)', () => {
  let server: RedisServerHandle;
  const open: (Queue | QueueEvents)[] = [];
  const spec = (name: string, role: string): BullmqQueueSpec => ({ name, prefix: '{test}', endpoint: server.url, owner: 'test', role });

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await closeBullmq(open.splice(0));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('delivers an event written right after it resolves, before its first XREAD could reach Redis', async () => {
    const name = `q-${randomBytes(4).toString('hex')}`;
    const queue = createBullmqQueue<{ n: number }, void>(spec(name, 'queue'));
    open.push(queue);
    await queue.add('old', { n: 0 }, { jobId: 'old' }); // an event before the reader: not delivered
    await queue.waitUntilReady();
    const events = await openQueueEvents(spec(name, 'events'));
    open.push(events);
    const seen: string[] = [];
    events.on('waiting', ({ jobId }) => seen.push(jobId));
    // Sent at once on a ready connection: it reaches Redis before the reader's CLIENT SETNAME + XREAD.
    await queue.add('new', { n: 1 }, { jobId: 'new' });
    await waitFor(() => seen.includes('new'), { timeoutMs: 5_000, description: 'the reader saw the job added right after it was made' });
    expect(seen).toEqual(['new']);
  });

  it('rejects (and closes its connection) when Redis does not answer in time', async () => {
    const dead = { ...spec('q-dead', 'events'), endpoint: 'redis://127.0.0.1:1' };
    await expect(openQueueEvents(dead, 300)).rejects.toThrow('Redis did not answer within 300 ms');
  });
});

import { Subscriber } from 'rxjs';
import type { ChatStreamEvent } from '@nitro/contracts';
import { Generation } from './generation';

const subscriber = (got: ChatStreamEvent[]) =>
  new Subscriber<ChatStreamEvent>({ next: (e) => void got.push(e), error: () => undefined, complete: () => undefined });

describe('Generation', () => {
  it('numbers events from 1, logs each before handing it to the subscribers', () => {
    const order: string[] = [];
    const got: ChatStreamEvent[] = [];
    const gen = new Generation('s', (e) => order.push(`log ${e.id}`));
    const sub = subscriber(got);
    const next = sub.next.bind(sub);
    sub.next = (e) => (order.push(`next ${e?.id}`), next(e));
    gen.attach(sub);
    gen.emit({ type: 'token', text: 'a' });
    gen.emit({ type: 'token', text: 'b' });
    expect(got.map((e) => e.id)).toEqual([1, 2]);
    expect(order).toEqual(['log 1', 'next 1', 'log 2', 'next 2']);
  });

  it('starts detached, and records when the last subscriber leaves', () => {
    const gen = new Generation('s', () => undefined);
    expect(gen.detachedAt).toEqual(expect.any(Number));
    const a = subscriber([]);
    const b = subscriber([]);
    gen.attach(a);
    gen.attach(b);
    expect(gen.detachedAt).toBeUndefined();
    gen.detach(a);
    expect(gen.detachedAt).toBeUndefined();
    gen.detach(b);
    expect(gen.attached).toBe(0);
    expect(gen.detachedAt).toEqual(expect.any(Number));
  });

  it('keeps the first abort cause: a stop is not turned into "incomplete" by a later watchdog', () => {
    const gen = new Generation('s', () => undefined);
    gen.abort('stopped');
    gen.abort('incomplete');
    expect(gen.signal.aborted).toBe(true);
    expect(gen.abortCause).toBe('stopped');
  });
});

import { LazyResource } from './lazy-resource.util';

describe('LazyResource (made on first use, closed only if made)', () => {
  it('makes nothing until get(), then once for concurrent and later callers', async () => {
    const make = jest.fn(async () => ({ n: 1 }));
    const r = new LazyResource('thing', make);
    expect(make).not.toHaveBeenCalled();
    expect(r.created).toBe(false);
    const [a, b] = await Promise.all([r.get(), r.get()]);
    expect(a).toBe(b);
    expect(await r.get()).toBe(a);
    expect(make).toHaveBeenCalledTimes(1);
    expect(r.created).toBe(true);
  });

  it('forgets a failed attempt: the error reaches its callers, the next get() tries again', async () => {
    let calls = 0;
    const r = new LazyResource('thing', async () => {
      if (++calls === 1) throw new Error('redis away');
      return 'ok';
    });
    await expect(r.get()).rejects.toThrow('redis away');
    expect(r.created).toBe(false);
    await expect(r.get()).resolves.toBe('ok');
  });

  it('close() disposes of a made resource once; never makes one just to close it', async () => {
    const dispose = jest.fn();
    const make = jest.fn(() => 'made');
    const unused = new LazyResource('unused', make, dispose);
    await unused.close();
    expect(make).not.toHaveBeenCalled();
    expect(dispose).not.toHaveBeenCalled();

    const used = new LazyResource('used', make, dispose);
    await used.get();
    await used.close();
    expect(dispose).toHaveBeenCalledWith('made');
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it('close() waits for an attempt in flight and disposes of what it made; get() after close() rejects', async () => {
    let finish!: (v: string) => void;
    const dispose = jest.fn();
    const r = new LazyResource('queue', () => new Promise<string>((resolve) => (finish = resolve)), dispose);
    const got = r.get();
    await Promise.resolve();
    const closed = r.close();
    finish('late');
    await closed;
    await expect(got).resolves.toBe('late');
    expect(dispose).toHaveBeenCalledWith('late');
    await expect(r.get()).rejects.toThrow('queue is closed');
  });

  it('close() after a failed attempt disposes of nothing', async () => {
    const dispose = jest.fn();
    const r = new LazyResource('x', () => Promise.reject(new Error('no')), dispose);
    const got = r.get().catch(() => 'failed');
    const closed = r.close();
    expect(await got).toBe('failed');
    await closed;
    expect(dispose).not.toHaveBeenCalled();
  });
});

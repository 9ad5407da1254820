import { firstValueFrom, toArray } from 'rxjs';
import { cancellable } from './cancellable';

describe('cancellable', () => {
  it('emits, completes, and does not abort work that already finished', async () => {
    let signal: AbortSignal | undefined;
    const obs = cancellable<number>('gone', async (emit, s) => {
      signal = s;
      emit(1);
      emit(2);
    });
    expect(await firstValueFrom(obs.pipe(toArray()))).toEqual([1, 2]);
    expect(signal?.aborted).toBe(false);
  });

  it('aborts the work with the reason when the subscriber leaves first', async () => {
    let signal: AbortSignal | undefined;
    let release: () => void = () => undefined;
    const sub = cancellable<number>('caller left', (_emit, s) => {
      signal = s;
      return new Promise<void>((r) => (release = r));
    }).subscribe();
    sub.unsubscribe();
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).message).toBe('caller left');
    release();
  });

  it('errors with the mapped rejection', async () => {
    const obs = cancellable<number>(
      'x',
      async () => {
        throw new Error('boom');
      },
      (e) => ({ message: (e as Error).message, mapped: true }),
    );
    await expect(firstValueFrom(obs)).rejects.toEqual({ message: 'boom', mapped: true });
  });
});

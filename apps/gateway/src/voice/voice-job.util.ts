import { HttpException } from '@nestjs/common';
import { Observable, ReplaySubject, type Subscription } from 'rxjs';
import { ERROR_CODE } from '@nitro/contracts';
import { clientClosed } from '../common/request-params.decorators';

/**
 * Resolves with every item once the stream completes; if `signal` aborts first (the client went
 * away) it unsubscribes, which cancels the job on the voice replica, and rejects with the reason.
 */
export function collectUntil<T>(source: Observable<T>, signal: AbortSignal): Promise<T[]> {
  return new Promise<T[]>((resolve, reject) => {
    const items: T[] = [];
    let sub: Subscription | undefined = undefined;
    const onAbort = () => {
      sub?.unsubscribe();
      reject(signal.reason ?? clientClosed());
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    sub = source.subscribe({
      next: (item) => items.push(item),
      error: (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
      complete: () => {
        signal.removeEventListener('abort', onAbort);
        resolve(items);
      },
    });
  });
}

/**
 * Holds back a stream's response until its first item, so a failure before anything happened
 * (bad audio, unknown voice) is a plain HTTP 4xx instead of an error event inside a 200 stream.
 * Resolves with the same stream (first item included); unsubscribing it cancels the source. If
 * `signal` aborts before the first item, the source is cancelled and the promise rejects.
 */
export function afterFirstItem<T>(source: Observable<T>, signal: AbortSignal): Promise<Observable<T>> {
  return new Promise<Observable<T>>((resolve, reject) => {
    const buffered = new ReplaySubject<T>();
    let started = false;
    const onAbort = () => {
      if (started) return;
      sub.unsubscribe();
      reject(signal.reason ?? clientClosed());
    };
    const sub = source.subscribe({
      next: (item) => {
        buffered.next(item);
        if (started) return;
        started = true;
        signal.removeEventListener('abort', onAbort);
        resolve(
          new Observable<T>((out) => {
            const inner = buffered.subscribe(out);
            return () => {
              inner.unsubscribe();
              sub.unsubscribe();
            };
          }),
        );
      },
      error: (err) => (started ? buffered.error(err) : reject(err)),
      complete: () =>
        started
          ? buffered.complete()
          : reject(new HttpException({ error: ERROR_CODE.EMPTY_STREAM, message: 'the voice service ended without an answer' }, 502)),
    });
    if (!started) {
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}

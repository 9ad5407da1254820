import { HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, ReplaySubject, type Subscription } from 'rxjs';

/** Nginx's code for "client closed the request": only ever seen in logs, nobody is left to read it. */
export const CLIENT_CLOSED = 499;

/** Resolves when the stream completes; unsubscribes (cancelling the job) if the client goes away first. */
export function collectUntilClientGone<T>(source: Observable<T>, reply: FastifyReply): Promise<T[]> {
  return new Promise<T[]>((resolve, reject) => {
    const items: T[] = [];
    let sub: Subscription | undefined = undefined;
    const onClose = () => {
      if (reply.raw.writableFinished) return;
      sub?.unsubscribe();
      reject(new HttpException({ error: 'CLIENT_CLOSED', message: 'the client closed the request' }, CLIENT_CLOSED));
    };
    reply.raw.once('close', onClose);
    sub = source.subscribe({
      next: (item) => items.push(item),
      error: (err) => {
        reply.raw.off('close', onClose);
        reject(err);
      },
      complete: () => {
        reply.raw.off('close', onClose);
        resolve(items);
      },
    });
  });
}

/**
 * Holds back a stream's response until its first item, so a failure before anything happened
 * (bad audio, unknown voice) is a plain HTTP 4xx instead of an error event inside a 200 stream.
 * Resolves with the same stream (first item included); unsubscribing it cancels the source.
 */
export function afterFirstItem<T>(source: Observable<T>, reply: FastifyReply): Promise<Observable<T>> {
  return new Promise<Observable<T>>((resolve, reject) => {
    const buffered = new ReplaySubject<T>();
    let started = false;
    const onClose = () => {
      if (started) return;
      sub.unsubscribe();
      reject(new HttpException({ error: 'CLIENT_CLOSED', message: 'the client closed the request' }, CLIENT_CLOSED));
    };
    const sub = source.subscribe({
      next: (item) => {
        buffered.next(item);
        if (started) return;
        started = true;
        reply.raw.off('close', onClose);
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
      complete: () => (started ? buffered.complete() : reject(new HttpException({ error: 'EMPTY_STREAM', message: 'the voice service ended without an answer' }, 502))),
    });
    if (!started) reply.raw.once('close', onClose);
  });
}

import { Observable } from 'rxjs';

/**
 * An Observable over async work that its subscriber can cancel (the transport unsubscribes when the caller
 * goes away): `work(emit, signal)` starts on subscribe; the Observable completes when the work resolves and
 * errors with `toError(err)` when it rejects. Unsubscribing *before* the work settles aborts `signal` with
 * `Error(reason)`; after it settled nothing happens: a teardown runs on every completion, and building an
 * Error there (a stack capture) for each finished request cost ~2 % of ai-router's CPU (issue 17).
 */
export function cancellable<T>(
  reason: string,
  work: (emit: (value: T) => void, signal: AbortSignal) => Promise<void>,
  toError: (err: unknown) => unknown = (err) => err,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const cancel = new AbortController();
    let settled = false;
    work((value) => !subscriber.closed && subscriber.next(value), cancel.signal).then(
      () => {
        settled = true;
        subscriber.complete();
      },
      (err) => {
        settled = true;
        subscriber.error(toError(err));
      },
    );
    return () => {
      if (!settled) cancel.abort(new Error(reason));
    };
  });
}

import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { type VoiceJob, type VoiceWireEvent } from '@nitro/contracts';
import { VoiceEnv } from '@nitro/config';
import { ServiceError, validateDto } from '@nitro/service-kit';

/** Under the test harness' and compose's 5-10 s stop grace, so engines are killed by us, not orphaned. */
const SHUTDOWN_GRACE_MS = 2_000;
const SHUTDOWN = Symbol('shutdown');

/**
 * The voice replica's running jobs. When a caller goes away the transport unsubscribes the
 * handler (its cancellation, ADR 0001): the job's signal aborts, which kills its engine processes
 * and stops its ai-router stream. A first `progress` packet goes out at once, so the caller knows
 * this replica and can cancel even a job that has produced nothing yet.
 */
@Injectable()
export class VoiceJobs implements BeforeApplicationShutdown {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly env: VoiceEnv) {}

  /**
   * Before the transport drains (up to 10 s), give running jobs a short grace, then abort the rest:
   * a wedged engine must not hold shutdown until the orchestrator SIGKILLs us and orphans it.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const until = Date.now() + SHUTDOWN_GRACE_MS;
    while (this.running.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    for (const ac of this.running.values()) ac.abort(SHUTDOWN);
  }

  get size(): number {
    return this.running.size;
  }

  cancel(jobId: string): boolean {
    const ac = this.running.get(jobId);
    ac?.abort();
    return !!ac;
  }

  /**
   * What every voice handler returns: the payload checked against its contract class (a 400
   * naming the field), the work run as a cancellable job, and `progress` packets while it is quiet,
   * so the transport's per-packet timeout measures a stall rather than the length of the audio.
   */
  stream<C extends VoiceJob>(
    type: new () => C,
    payload: unknown,
    work: (cmd: C, signal: AbortSignal) => Observable<VoiceWireEvent>,
  ): Observable<VoiceWireEvent> {
    return new Observable<VoiceWireEvent>((subscriber) => {
      const cmd = validateDto(type, payload, 'the voice command');
      subscriber.next({ type: 'progress', stage: 'working' });
      const everyMs = Math.max(50, Math.min(5_000, Math.floor(this.env.TRANSPORT_TIMEOUT_MS / 3)));
      const timer = setInterval(() => subscriber.next({ type: 'progress', stage: 'working' }), everyMs);
      const sub = this.run(cmd.job_id, (signal) => work(cmd, signal)).subscribe({
        next: (e) => subscriber.next(e),
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        clearInterval(timer);
        sub.unsubscribe();
      };
    });
  }

  /**
   * Runs `work` as job `jobId`: its signal aborts when the subscriber leaves (the caller went away)
   * or on shutdown, and the job is forgotten when the stream ends either way.
   */
  run<T>(jobId: string, work: (signal: AbortSignal) => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const ac = new AbortController();
      this.running.set(jobId, ac);
      const sub = work(ac.signal).subscribe({
        next: (v) => subscriber.next(v),
        // Whatever the work reports after a shutdown abort, the caller should simply retry elsewhere.
        error: (err) =>
          subscriber.error(
            ac.signal.reason === SHUTDOWN ? new ServiceError(503, 'SHUTTING_DOWN', 'the voice replica is shutting down; try again') : err,
          ),
        complete: () => subscriber.complete(),
      });
      return () => {
        sub.unsubscribe();
        ac.abort();
        if (this.running.get(jobId) === ac) this.running.delete(jobId);
      };
    });
  }
}

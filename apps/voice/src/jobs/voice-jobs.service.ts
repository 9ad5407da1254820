import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Observable } from 'rxjs';
import { VOICE_CANCEL_CHANNEL, type VoiceWireEvent } from '@nitro/contracts';
import { VoiceEnv } from '@nitro/config';
import { REDIS_CLIENT, ServiceError } from '@nitro/service-kit';
import { validateVoiceCommand } from './voice-command.validate';

/** Under the test harness' and compose's 5-10 s stop grace, so engines are killed by us, not orphaned. */
const SHUTDOWN_GRACE_MS = 2_000;
const SHUTDOWN = Symbol('shutdown');

/**
 * The transport does not tell a handler that its caller went away, so the gateway publishes the
 * job id on VOICE_CANCEL_CHANNEL and every replica listens: the one running the job aborts it,
 * which kills its engine processes and stops its ai-router stream.
 */
@Injectable()
export class VoiceJobs implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly log = new Logger(VoiceJobs.name);
  private readonly running = new Map<string, AbortController>();
  private subscriber?: Redis;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly env: VoiceEnv,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.duplicate({ connectionName: 'nitro:voice:cancel' });
    this.subscriber.on('message', (_channel: string, jobId: string) => this.cancel(jobId));
    this.subscriber.on('error', (err: Error) => this.log.warn(`cancel channel: ${err.message}`));
    await this.subscriber.subscribe(VOICE_CANCEL_CHANNEL);
  }

  /**
   * Before the transport drains (up to 10 s), give running jobs a short grace, then abort the rest:
   * a wedged engine must not hold shutdown until the orchestrator SIGKILLs us and orphans it.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const until = Date.now() + SHUTDOWN_GRACE_MS;
    while (this.running.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    for (const ac of this.running.values()) ac.abort(SHUTDOWN);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
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
   * What every voice handler returns: the command checked, the work run as a cancellable job, and
   * `progress` packets while it is quiet, so the transport's per-packet timeout measures a stall
   * rather than the length of the audio.
   */
  stream(cmd: unknown, work: (signal: AbortSignal) => Observable<VoiceWireEvent>): Observable<VoiceWireEvent> {
    return new Observable<VoiceWireEvent>((subscriber) => {
      validateVoiceCommand(cmd);
      const everyMs = Math.max(50, Math.min(5_000, Math.floor(this.env.TRANSPORT_TIMEOUT_MS / 3)));
      const timer = setInterval(() => subscriber.next({ type: 'progress', stage: 'working' }), everyMs);
      const sub = this.run(cmd.job_id, work).subscribe({
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
   * Runs `work` as job `jobId`: its signal aborts on a cancel message or when the subscriber
   * leaves, and the job is forgotten when the stream ends either way.
   */
  run<T>(jobId: string, work: (signal: AbortSignal) => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const ac = new AbortController();
      this.running.set(jobId, ac);
      const sub = work(ac.signal).subscribe({
        next: (v) => subscriber.next(v),
        // Whatever the work reports after a shutdown abort, the caller should simply retry elsewhere.
        error: (err) => subscriber.error(ac.signal.reason === SHUTDOWN ? new ServiceError(503, 'SHUTTING_DOWN', 'the voice replica is shutting down; try again') : err),
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

import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Observable, type Subscriber } from 'rxjs';
import { AiRouterEnv } from '@nitro/config';
import { GENERATOR_HEARTBEAT_MS, type ChatStreamEvent, type TurnStatus } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { Generation } from './generation';
import { StreamLogRepository } from './stream-log.repository';

/** Runs a turn into a generation: emits its events, returns how it ended and whether the turn was stored. */
export type TurnProducer = (gen: Generation) => Promise<{ status: TurnStatus; stored: boolean }>;

/** A running stream's meta and log outlive a dead replica by this much (ms) without a heartbeat. */
const RUNNING_TTL_MS = 60_000;

/**
 * Tracked chat streams on this replica (docs/adr/0006-chat-stream-lifecycle.md):
 * - claims the stream in Redis first, so a request reclaimed from a dead replica does not generate
 *   the turn again: it marks the stream failed (REPLICA_LOST) instead;
 * - keeps generating when the caller leaves, while a gateway replays the stream to a reader or for
 *   CHAT_STREAM_GRACE_MS with none, then aborts and the turn is stored `incomplete`;
 * - aborts at once on a stop published by any gateway (stored `stopped`).
 */
@Injectable()
export class TrackedStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly running = new Map<string, Generation>();

  constructor(
    private readonly log: StreamLogRepository,
    private readonly env: AiRouterEnv,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.log.listenForStops((id) => this.running.get(id)?.abort('stopped'));
  }

  onModuleDestroy(): void {
    this.log.close();
  }

  /** Streams a tracked turn to the transport subscriber; unsubscribing detaches (it does not abort). */
  open(streamId: string, userId: string, kind: string, produce: TurnProducer): Observable<ChatStreamEvent> {
    return new Observable<ChatStreamEvent>((out) => {
      let gen: Generation | undefined;
      let left = false;
      void this.run(
        streamId,
        userId,
        kind,
        produce,
        out,
        () => left,
        (g) => (gen = g),
      );
      return () => {
        left = true;
        gen?.detach(out);
      };
    });
  }

  private async run(
    streamId: string,
    userId: string,
    kind: string,
    produce: TurnProducer,
    out: Subscriber<ChatStreamEvent>,
    left: () => boolean,
    started: (g: Generation) => void,
  ): Promise<void> {
    const claim = await this.log.claim(streamId, userId, kind, RUNNING_TTL_MS).catch((err: Error) => err);
    if (claim instanceof Error || claim.kind === 'taken') {
      if (!(claim instanceof Error) && claim.state === 'running')
        await this.log.markLost(streamId, this.env.CHAT_STREAM_TTL_S).catch(() => undefined);
      const message =
        claim instanceof Error
          ? `conversation memory (Redis) is unavailable: ${claim.message}`
          : `stream ${streamId} was already started (${claim.state}); it is not generated twice`;
      out.next({
        type: 'error',
        status: claim instanceof Error ? 503 : 409,
        code: claim instanceof Error ? 'MEMORY_UNAVAILABLE' : 'STREAM_ALREADY_STARTED',
        message,
        incomplete: false,
      });
      out.complete();
      return;
    }
    const gen = new Generation(streamId, (e) => this.log.append(streamId, e, RUNNING_TTL_MS));
    if (!left()) gen.attach(out);
    started(gen);
    this.running.set(streamId, gen);
    if (claim.stopRequested) gen.abort('stopped');
    const watchdog = this.watch(gen);
    try {
      const end = await produce(gen);
      await this.log
        .finish(streamId, end.status, end.stored, this.env.CHAT_STREAM_TTL_S)
        .catch((err) => getLogger().error({ err, streamId }, 'could not record the end of a stream'));
    } catch (err) {
      getLogger().error({ err, streamId }, 'tracked stream failed');
    } finally {
      clearInterval(watchdog);
      this.running.delete(streamId);
      gen.complete();
    }
  }

  /** Heartbeat (so readers can tell a dead replica) and the no-reader grace period. */
  private watch(gen: Generation): NodeJS.Timeout {
    const grace = this.env.CHAT_STREAM_GRACE_MS;
    const every = Math.min(GENERATOR_HEARTBEAT_MS, Math.max(50, Math.floor(grace / 4)));
    let lastBeat = Date.now();
    let lastReader = 0;
    let busy = false;
    const timer = setInterval(() => {
      const now = Date.now();
      if (busy || (gen.attached > 0 && now - lastBeat < GENERATOR_HEARTBEAT_MS)) return;
      busy = true;
      lastBeat = now;
      this.log
        .heartbeat(gen.streamId, RUNNING_TTL_MS)
        .then(({ stopRequested, readers }) => {
          if (stopRequested) return gen.abort('stopped');
          if (readers) lastReader = Date.now();
          const since = Math.max(gen.detachedAt ?? Infinity, lastReader);
          if (gen.attached === 0 && Date.now() - since >= grace) gen.abort('incomplete');
        })
        .catch((err) => getLogger().warn({ err, streamId: gen.streamId }, 'stream heartbeat failed'))
        .finally(() => (busy = false));
    }, every);
    timer.unref();
    return timer;
  }
}

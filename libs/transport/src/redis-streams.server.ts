import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server, type WritePacket } from '@nestjs/microservices';
import { epochMs, traceContext, type TimingEntry } from '@nitro/observability';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AckBatcher } from './ack-batcher.util';
import { HandlerCache } from './handler-cache.util';
import { listenForCancels } from './cancel-listener.util';
import { decodeRequest, encodeReply, type RequestEnvelope } from './packet.codec';
import { createRedisConnection, isBusyGroupError, isNoGroupError, openConnection, type TransportRedis } from './redis-connection.factory';
import { RedisStreamsContext } from './redis-streams.context';
import { StreamMaintenance } from './stream-maintenance.util';
import {
  DEAD_CONSUMER_IDLE_MS,
  DEFAULT_CLAIM_IDLE_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_LEN,
  PATTERN_NOT_FOUND,
  REPLY_STREAM_PREFIX,
  requestStreamKey,
} from './transport.constants';
import { TransportMetrics } from './transport.metrics';
import type { RedisStreamsServerOptions } from './transport.options';
import type { Subscription } from 'rxjs';

export const REDIS_STREAMS_TRANSPORT = Symbol('REDIS_STREAMS');
const READ_BLOCK_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface InFlight {
  startedAt: number;
  pattern: string;
  ctx: RedisStreamsContext;
}

/**
 * Nest custom transporter: one consumer group per service on `nitro:req:<service>`, so each
 * request is handled by exactly one replica (Nest's Transport.REDIS is pub/sub: every replica
 * would handle it). Replies go to the asking client's own stream. See docs/adr/0001.
 */
type Listener = (...args: any[]) => void;

export class RedisStreamsServer extends Server<Record<string, Listener>> implements CustomTransportStrategy {
  override transportId = REDIS_STREAMS_TRANSPORT;
  readonly consumer: string;
  private readonly stream: string;
  private readonly group: string;
  private readonly concurrency: number;
  private readonly maxLen: number;
  private readonly claimIdleMs: number;
  private readonly metrics = new TransportMetrics('server');
  private readonly log: Logger;
  private readonly inFlight = new Map<string, InFlight>();
  /** `<replyTo>|<requestId>` -> the handler's subscription and entry, so a cancel can stop it. */
  private readonly running$ = new Map<string, { sub: Subscription; entryId: string }>();
  private canceller?: TransportRedis;
  private readonly listeners: [string, Listener][] = [];
  private cmd?: TransportRedis;
  private reader?: TransportRedis;
  private maintenance?: StreamMaintenance;
  private running = false;
  private loopDone?: Promise<void>;
  private slotFreed?: () => void;
  private readonly acks: AckBatcher;
  private readonly untrackInFlight: () => void;
  private readonly handlers = new HandlerCache((pattern) => this.getHandlerByPattern(pattern));

  constructor(private readonly options: RedisStreamsServerOptions) {
    super();
    const { service } = options;
    this.consumer = options.consumer ?? `${service}:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.stream = requestStreamKey(service);
    this.group = service;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.maxLen = options.maxLen ?? DEFAULT_MAX_LEN;
    this.claimIdleMs = options.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS;
    this.log = new Logger(`RedisStreamsServer:${service}`);
    this.untrackInFlight = this.metrics.trackInFlight(service, () => this.inFlight.size);
    this.acks = new AckBatcher(
      this.stream,
      this.group,
      () => this.cmd,
      (m) => this.log.warn(m),
    );
  }

  async listen(callback: (err?: unknown, ...rest: unknown[]) => void): Promise<void> {
    try {
      const cmd = createRedisConnection(this.options.redisUrl, { name: `${this.consumer}:cmd` }, this.log);
      const reader = createRedisConnection(this.options.redisUrl, { name: `${this.consumer}:read`, blocking: true }, this.log);
      for (const [event, fn] of this.listeners) cmd.on(event, fn);
      this.cmd = cmd;
      this.reader = reader;
      await Promise.all([openConnection(cmd), openConnection(reader)]);
      await this.ensureGroup();
      this.canceller = await listenForCancels(this.options.redisUrl, this.consumer, this.log, (key) => this.cancelRun(key));
      this.maintenance = new StreamMaintenance({
        cmd,
        service: this.options.service,
        stream: this.stream,
        group: this.group,
        consumer: this.consumer,
        claimIdleMs: this.claimIdleMs,
        deadConsumerIdleMs: this.options.deadConsumerIdleMs ?? DEAD_CONSUMER_IDLE_MS,
        logger: this.log,
        metrics: this.metrics,
        inFlightIds: () => [...this.inFlight.keys()],
        isInFlight: (id) => this.inFlight.has(id),
        freeSlots: () => (this.running ? this.concurrency - this.inFlight.size : 0),
        dispatchReclaimed: (id, fields) => this.dispatch(id, fields, true),
        ack: (id) => this.ack(id),
      });
      await this.maintenance.heartbeat();
      this.maintenance.start();
      this.running = true;
      this.loopDone = this.readLoop();
      this._status$.next('connected');
      callback();
    } catch (err) {
      // Fail the start (the orchestrator restarts us) instead of reconnecting forever in the background.
      this.maintenance?.stop();
      this.cmd?.disconnect();
      this.reader?.disconnect();
      this.cmd = this.reader = undefined;
      callback(err);
    }
  }

  /** Stops reading, lets running handlers finish (up to drainTimeoutMs), leaves the rest to be reclaimed. */
  async close(): Promise<void> {
    const { cmd, reader } = this;
    if (!cmd || !reader || !this.running) return;
    this.running = false; // also stops reclaiming (freeSlots is 0); keep-alives go on while draining
    reader.disconnect(); // interrupts the blocking XREADGROUP
    this.slotFreed?.();
    await this.loopDone;
    const drainUntil = Date.now() + (this.options.drainTimeoutMs ?? 10_000);
    while (this.inFlight.size > 0 && Date.now() < drainUntil) await sleep(20);
    this.maintenance?.stop();
    this.canceller?.disconnect();
    this.canceller = undefined;
    this.acks.flush(cmd);
    await this.maintenance?.leave().catch((err) => this.log.warn(`leaving group: ${(err as Error).message}`));
    await cmd.quit().catch(() => cmd.disconnect());
    this.cmd = this.reader = undefined;
    this.untrackInFlight();
    this._status$.next('disconnected');
  }

  /** Listens to the command connection's events ('error', 'ready', 'reconnecting' …). */
  on<EventKey extends string = string, EventCallback extends Listener = Listener>(event: EventKey, callback: EventCallback): void {
    this.listeners.push([event, callback]);
    this.cmd?.on(event, callback);
  }

  unwrap<T>(): T {
    if (!this.cmd) throw new Error('Not initialized. Please call the "listen"/"startAllMicroservices" method before accessing the server.');
    return this.cmd as T;
  }

  /** A client stopped listening (cancel channel): unsubscribing the handler's Observable aborts its work (its teardown). */
  private cancelRun(key: string): void {
    const run = this.running$.get(key);
    if (!run) return;
    this.running$.delete(key);
    run.sub.unsubscribe();
    this.finish(run.entryId, 'cancelled');
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From 0, not $: after a Redis restart a client may have added requests before the group exists.
      await this.cmd?.call('XGROUP', 'CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!isBusyGroupError(err)) throw err;
    }
  }

  private async readLoop(): Promise<void> {
    while (this.running) {
      const free = this.concurrency - this.inFlight.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.reader?.call(
          'XREADGROUP',
          'GROUP',
          this.group,
          this.consumer,
          'COUNT',
          Math.min(free, 256),
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          this.stream,
          '>',
        )) as typeof reply;
      } catch (err) {
        if (!this.running) break;
        if (isNoGroupError(err)) {
          // Redis lost its data (restart without persistence): recreate and carry on.
          await this.ensureGroup().catch(() => sleep(250));
          this.log.warn(`consumer group ${this.group} was missing; recreated`);
        } else {
          await sleep(250);
        }
        continue;
      }
      for (const [, entries] of reply ?? []) for (const [id, fields] of entries) this.dispatch(id, fields, false);
    }
  }

  private dispatch(entryId: string, fields: string[], reclaimed: boolean): void {
    const req = decodeRequest(fields);
    if (!req) return this.ack(entryId);
    if (req.deadline > 0 && req.deadline < Date.now()) {
      // Nobody waits for this answer any more (the client has timed out): drop it.
      if (reclaimed) this.metrics.reclaimedEntries(this.options.service, 'expired');
      else
        this.metrics.finished(this.options.service, this.handlers.get(req.pattern) ? req.pattern : 'unknown', 'expired', performance.now());
      return this.ack(entryId);
    }
    if (reclaimed) this.metrics.reclaimedEntries(this.options.service, 'handled');
    const ctx = new RedisStreamsContext({
      pattern: req.pattern,
      traceId: req.traceId,
      messageId: entryId,
      requestId: req.id,
      replyTo: req.replyTo,
      deadline: req.deadline,
      consumer: this.consumer,
      reclaimed,
    });
    // A caller collecting Server-Timing hops gets the queue wait and this replica's own hops back (packet `t`).
    const timings: TimingEntry[] | undefined = req.sentAt !== undefined ? [{ name: 'queue', dur: epochMs() - req.sentAt }] : undefined;
    traceContext.run({ traceId: req.traceId, ...(timings ? { timings } : {}) }, () => {
      if (req.id === undefined || !req.replyTo) void this.handleEventEntry(entryId, req, ctx);
      else this.handleRequest(entryId, req, ctx, timings);
    });
  }

  private async handleEventEntry(entryId: string, req: RequestEnvelope, ctx: RedisStreamsContext): Promise<void> {
    this.begin(entryId, this.handlers.get(req.pattern) ? req.pattern : 'unknown', ctx);
    let outcome = 'ok';
    try {
      await this.handleEvent(req.pattern, { pattern: req.pattern, data: JSON.parse(req.data) }, ctx);
    } catch (err) {
      outcome = 'error';
      this.log.error(`event ${req.pattern} failed: ${(err as Error).message}`);
    }
    this.finish(entryId, outcome);
  }

  private handleRequest(entryId: string, req: RequestEnvelope, ctx: RedisStreamsContext, timings?: TimingEntry[]): void {
    const handler = this.handlers.get(req.pattern);
    const startedAt = timings ? performance.now() : 0;
    this.begin(entryId, handler ? req.pattern : 'unknown', ctx);
    const replyTo = req.replyTo as string;
    let seq = 0;
    let failed = false;
    const respond = (packet: WritePacket): void => {
      if (packet.err !== undefined) failed = true;
      const body = encodeReply({
        id: req.id as string,
        seq: seq++,
        from: this.consumer,
        response: packet.response,
        err: packet.err,
        isDisposed: packet.isDisposed || undefined,
        t:
          timings && (packet.isDisposed || packet.err !== undefined)
            ? [...timings, { name: 'handler', dur: performance.now() - startedAt }]
            : undefined,
      });
      // NOMKSTREAM: a client that is gone (its stream expired) gets nothing, and no orphan stream is created.
      if (replyTo.startsWith(REPLY_STREAM_PREFIX)) {
        this.cmd
          ?.call('XADD', replyTo, 'NOMKSTREAM', 'MAXLEN', '~', this.maxLen, '*', 'p', body)
          .catch((err) => this.log.warn(`reply to ${replyTo}: ${(err as Error).message}`));
      }
      if (packet.isDisposed) {
        this.running$.delete(runKey);
        this.finish(entryId, failed ? 'error' : 'ok');
      }
    };
    const runKey = `${replyTo}|${req.id}`;
    if (!handler) {
      const message = `There is no matching message handler defined in the remote service "${this.options.service}" for pattern "${req.pattern}"`;
      return respond({ err: { status: 'error', code: PATTERN_NOT_FOUND, message }, isDisposed: true });
    }
    let data: unknown;
    try {
      data = JSON.parse(req.data);
    } catch {
      return respond({
        err: { status: 400, code: 'BAD_REQUEST', message: `request data for "${req.pattern}" is not valid JSON` },
        isDisposed: true,
      });
    }
    const run = async () => {
      try {
        const sub = this.send(this.transformToObservable(await handler(data, ctx)), respond);
        if (this.inFlight.has(entryId) && !sub.closed) this.running$.set(runKey, { sub, entryId });
      } catch (err) {
        respond({ err, isDisposed: true });
      }
    };
    void Promise.resolve(this.onProcessingStartHook(this.transportId, ctx, run)).catch((err) => respond({ err, isDisposed: true }));
  }

  private begin(entryId: string, pattern: string, ctx: RedisStreamsContext): void {
    this.inFlight.set(entryId, { startedAt: performance.now(), pattern, ctx });
  }

  private finish(entryId: string, outcome: string): void {
    const entry = this.inFlight.get(entryId);
    if (!entry) return;
    this.inFlight.delete(entryId);
    this.ack(entryId);
    this.metrics.finished(this.options.service, entry.pattern, outcome, entry.startedAt);
    this.onProcessingEndHook?.(this.transportId, entry.ctx);
    const wake = this.slotFreed;
    this.slotFreed = undefined;
    wake?.();
  }

  private ack(entryId: string): void {
    this.acks.ack(entryId);
  }
}

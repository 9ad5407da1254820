import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { epochMs, traceContext, type TimingEntry } from '@nitro/observability';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { decodeReply, encodeRequest, type ReplyPacket } from './packet.codec';
import { createRedisConnection, openConnection, type TransportRedis } from './redis-connection.factory';
import { ReplySequencer } from './reply-sequencer.util';
import { PresenceTracker } from './presence-tracker.util';
import {
  cancelChannel,
  DEFAULT_MAX_LEN,
  DEFAULT_TIMEOUT_MS,
  REPLY_STREAM_TTL_MS,
  replyStreamKey,
  requestStreamKey,
} from './transport.constants';
import { ReplicaLostError, ServiceUnavailableError, TransportError, TransportTimeoutError } from './transport.errors';
import { TransportMetrics } from './transport.metrics';
import type { RedisStreamsClientOptions } from './transport.options';

interface Pending {
  pattern: string;
  callback: (packet: WritePacket) => void;
  sequencer: ReplySequencer;
  /** Date.now() after which the request times out; pushed forward by every packet. */
  expiresAt: number;
  startedAt: number;
  /** The caller's Server-Timing hops (its trace store's array) when it collects them: the round trip and the server's hops land here. */
  timings?: TimingEntry[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * ClientProxy for services behind RedisStreamsServer. Each instance owns a reply stream
 * `nitro:rep:<clientId>`, so replies reach only the instance that asked. One sweeping timer
 * handles all timeouts; presence is cached, so a request costs one XADD and no extra round trip.
 */
export class RedisStreamsClient extends ClientProxy implements OnApplicationShutdown {
  readonly clientId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly replyKey = replyStreamKey(this.clientId);
  private readonly stream: string;
  private readonly timeoutMs: number;
  private readonly maxLen: number;
  private readonly log: Logger;
  private readonly metrics = new TransportMetrics('client');
  private readonly pending = new Map<string, Pending>();
  private readonly listeners: [string, (...args: any[]) => void][] = [];
  private cmd?: TransportRedis;
  private reader?: TransportRedis;
  private presence?: PresenceTracker;
  private connecting?: Promise<void>;
  private closed = false;
  private nextId = 0;
  private lastReplyId = '0';
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: RedisStreamsClientOptions) {
    super();
    this.stream = requestStreamKey(options.service);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxLen = options.maxLen ?? DEFAULT_MAX_LEN;
    this.log = new Logger(`RedisStreamsClient:${options.service}`);
    this.metrics.trackInFlight(options.service, () => this.pending.size);
  }

  get service(): string {
    return this.options.service;
  }

  /** Called by Nest before every send(); cheap after the first call. */
  connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    const attempt: Promise<void> = this.open().catch((err: Error) => {
      this.teardownConnections();
      // Keep the failure for a second: every send() calls connect(), and a Redis outage must not
      // turn each request into a new pair of connection attempts.
      setTimeout(() => this.connecting === attempt && (this.connecting = undefined), 1_000).unref();
      throw new ServiceUnavailableError(this.service, undefined, `cannot connect to Redis: ${err.message}`);
    });
    this.connecting = attempt;
    return attempt;
  }

  async close(): Promise<void> {
    const cmd = this.cmd;
    this.closed = true;
    this.connecting = undefined;
    this.failAll(() => 'the client was closed', 'cancelled');
    if (cmd) await cmd.del(this.replyKey).catch(() => undefined);
    this.teardownConnections();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  override on(event: string, callback: (...args: any[]) => void): void {
    this.listeners.push([event, callback]);
    this.cmd?.on(event, callback);
  }

  unwrap<T>(): T {
    if (!this.cmd) throw new Error('Not initialized. Please call the "connect" method first.');
    return this.cmd as T;
  }

  /** Number of requests waiting for an answer (for tests and health output). */
  get inFlight(): number {
    return this.pending.size;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const id = (this.nextId++).toString(36);
    const pattern = this.normalizePattern(packet.pattern);
    const store = traceContext.get();
    const timings = store?.timings;
    this.pending.set(id, {
      pattern,
      callback,
      sequencer: new ReplySequencer(),
      expiresAt: Date.now() + this.timeoutMs,
      startedAt: performance.now(),
      timings,
    });
    const traceId = store?.traceId ?? traceContext.newTraceId();
    const send = (live: boolean) => {
      if (!this.pending.has(id)) return; // unsubscribed meanwhile
      if (!live) return this.fail(id, new ServiceUnavailableError(this.service, pattern), 'unavailable');
      const fields = encodeRequest({
        id,
        pattern,
        data: JSON.stringify(packet.data),
        replyTo: this.replyKey,
        deadline: Date.now() + this.timeoutMs,
        traceId,
        ...(timings ? { sentAt: epochMs() } : {}),
      });
      this.cmd?.call('XADD', this.stream, 'MAXLEN', '~', this.maxLen, '*', ...fields).catch((err: Error) => {
        this.fail(id, new ServiceUnavailableError(this.service, pattern, `Redis did not take the request (${err.message})`), 'unavailable');
      });
    };
    const known = this.presence?.cached();
    if (known === true) send(true);
    else if (known === false) process.nextTick(send, false);
    else
      this.presence
        ?.check()
        .then(send, (err: Error) =>
          this.fail(id, new ServiceUnavailableError(this.service, pattern, `presence check failed (${err.message})`), 'unavailable'),
        );
    return () => {
      const req = this.pending.get(id);
      if (!req) return; // finished normally: nothing to cancel
      this.pending.delete(id);
      // The caller stopped listening (a browser pressed Stop, a socket closed): tell the replica
      // serving it to unsubscribe its handler, which aborts the work behind it (e.g. generation).
      const responder = req.sequencer.currentResponder;
      if (responder) this.cmd?.call('PUBLISH', cancelChannel(responder), `${this.replyKey}|${id}`).catch(() => undefined);
    };
  }

  protected async dispatchEvent<T = any>(packet: ReadPacket): Promise<T> {
    await this.connect();
    const traceId = traceContext.getTraceId() ?? traceContext.newTraceId();
    const fields = encodeRequest({
      pattern: this.normalizePattern(packet.pattern),
      data: JSON.stringify(packet.data ?? null),
      deadline: 0,
      traceId,
    });
    return (await this.cmd?.call('XADD', this.stream, 'MAXLEN', '~', this.maxLen, '*', ...fields)) as T;
  }

  private async open(): Promise<void> {
    this.closed = false;
    const cmd = createRedisConnection(
      this.options.redisUrl,
      { name: `nitro-client:${this.clientId}:cmd`, failFastWhenDown: true },
      this.log,
    );
    const reader = createRedisConnection(this.options.redisUrl, { name: `nitro-client:${this.clientId}:read`, blocking: true }, this.log);
    this.cmd = cmd;
    this.reader = reader;
    for (const [event, fn] of this.listeners) cmd.on(event, fn);
    await Promise.all([openConnection(cmd), openConnection(reader)]);
    await this.createReplyStream(cmd);
    this.presence = new PresenceTracker(cmd, this.service);
    // After the first 'ready', later ones are reconnects: check whether Redis lost our stream.
    cmd.on('ready', () => void this.verifyReplyStream(cmd).catch(() => undefined));
    void this.readLoop(reader);
    const sweepMs = Math.max(10, Math.min(100, Math.floor(this.timeoutMs / 10)));
    this.timers = [
      setInterval(() => this.sweep(), sweepMs),
      setInterval(() => void this.verifyReplyStream(cmd).catch(() => undefined), REPLY_STREAM_TTL_MS / 4),
    ];
    for (const timer of this.timers) timer.unref();
    this._status$.next('connected');
  }

  private teardownConnections(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.reader?.disconnect();
    this.cmd?.disconnect();
    this.cmd = this.reader = undefined;
  }

  /** The reply stream exists before any request, with a TTL, so servers can reply with NOMKSTREAM. */
  private async createReplyStream(cmd: TransportRedis): Promise<void> {
    await cmd.call('XADD', this.replyKey, 'MAXLEN', '~', this.maxLen, '*', 'created', String(Date.now()));
    await cmd.pexpire(this.replyKey, REPLY_STREAM_TTL_MS);
  }

  /** Refreshes the TTL; if the stream is gone, Redis lost its data: recreate it, re-read from 0, fail what was in flight. */
  private async verifyReplyStream(cmd: TransportRedis): Promise<void> {
    if (this.closed || (await cmd.pexpire(this.replyKey, REPLY_STREAM_TTL_MS)) === 1) return;
    await this.createReplyStream(cmd);
    this.lastReplyId = '0';
    this.presence?.invalidate();
    this.failAll(() => 'Redis lost its data (restart?) while the request was in flight', 'unavailable');
    this.log.warn('reply stream was missing (Redis restarted?); recreated it');
  }

  private async readLoop(reader: TransportRedis): Promise<void> {
    while (!this.closed && this.reader === reader) {
      try {
        const reply = (await reader.call('XREAD', 'COUNT', 1024, 'BLOCK', 5_000, 'STREAMS', this.replyKey, this.lastReplyId)) as
          [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) {
          for (const [entryId, fields] of entries) {
            this.lastReplyId = entryId;
            this.onReply(fields);
          }
        }
      } catch {
        if (!this.closed) await sleep(100);
      }
    }
  }

  private onReply(fields: string[]): void {
    const packet = decodeReply(fields);
    const req = packet && this.pending.get(packet.id);
    if (!packet || !req) return; // finished, timed out, or sent before a restart: ignore
    const result = req.sequencer.accept(packet);
    if (result.kind === 'replica-lost') {
      const reason = `replica ${result.previous} failed mid-stream after ${req.sequencer.deliveredCount} packet(s) and ${result.next} restarted the request; output would be duplicated, so it was stopped`;
      return this.fail(packet.id, new ReplicaLostError(this.service, req.pattern, reason), 'replica_lost');
    }
    for (const p of result.packets) {
      req.expiresAt = Date.now() + this.timeoutMs;
      const done = p.err !== undefined || p.isDisposed === true;
      if (done && req.timings) this.reportTimings(req, p.t);
      if (done) this.settle(packet.id, req, p.err !== undefined ? 'error' : 'ok');
      req.callback(p.err !== undefined ? { err: p.err, isDisposed: true } : { response: p.response, isDisposed: done });
      if (done) return;
    }
  }

  /** The round trip as `transport` (desc: the pattern), then the server's hops prefixed with the service name. */
  private reportTimings(req: Pending, serverHops: ReplyPacket['t']): void {
    req.timings!.push({ name: 'transport', dur: performance.now() - req.startedAt, desc: req.pattern });
    for (const h of serverHops ?? []) req.timings!.push({ ...h, name: `${this.service}-${h.name}` });
  }

  /** One timer for every request: timeouts, and failing fast once the service has no live replica. */
  private sweep(): void {
    if (this.pending.size === 0) return;
    const now = Date.now();
    for (const [id, req] of this.pending) {
      if (now >= req.expiresAt)
        this.fail(id, new TransportTimeoutError(this.service, req.pattern, this.timeoutMs, req.sequencer.deliveredCount > 0), 'timeout');
    }
    if (this.presence?.cached() === undefined) void this.presence?.check().catch(() => undefined);
    if (this.presence?.cached() === false) {
      for (const [id, req] of this.pending) {
        const err =
          req.sequencer.deliveredCount > 0
            ? new ReplicaLostError(this.service, req.pattern, 'no live replica is left to finish the stream')
            : new ServiceUnavailableError(this.service, req.pattern, 'no live replica is registered');
        this.fail(id, err, err instanceof ReplicaLostError ? 'replica_lost' : 'unavailable');
      }
    }
  }

  private failAll(reason: () => string, outcome: string): void {
    for (const [id, req] of this.pending) this.fail(id, new ServiceUnavailableError(this.service, req.pattern, reason()), outcome);
  }

  private fail(id: string, err: TransportError, outcome: string): void {
    const req = this.pending.get(id);
    if (!req) return;
    this.settle(id, req, outcome);
    req.callback({ err, isDisposed: true });
  }

  private settle(id: string, req: Pending, outcome: string): void {
    this.pending.delete(id);
    this.metrics.finished(this.service, req.pattern, outcome, req.startedAt);
  }
}

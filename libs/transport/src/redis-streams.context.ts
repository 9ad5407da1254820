import { BaseRpcContext } from '@nestjs/microservices';

export interface RedisStreamsContextArgs {
  /** Normalized message pattern. */
  pattern: string;
  traceId: string;
  /** Stream entry id of the request (unique per delivery target, useful in logs). */
  messageId: string;
  /** Client-assigned request id; undefined for events. */
  requestId?: string;
  /** The asking client instance's reply stream; undefined for events. */
  replyTo?: string;
  /** When the client stops waiting (epoch ms); 0 for events. A delivery after it is dropped unhandled. */
  deadline?: number;
  /** This replica's consumer name. */
  consumer: string;
  /** True when this replica took the request over from a dead replica. */
  reclaimed: boolean;
}

/** What `@Ctx()` gives a handler on this transport, like Nest's RedisContext. */
export class RedisStreamsContext extends BaseRpcContext<[RedisStreamsContextArgs]> {
  constructor(args: RedisStreamsContextArgs) {
    super([args]);
  }
  getPattern(): string {
    return this.args[0].pattern;
  }
  getTraceId(): string {
    return this.args[0].traceId;
  }
  getMessageId(): string {
    return this.args[0].messageId;
  }
  getRequestId(): string | undefined {
    return this.args[0].requestId;
  }
  /**
   * The request's identity across deliveries, `<reply stream>|<request id>`: unique across client
   * instances (the request id alone is a per-client counter), and the same when the request is
   * delivered again (reclaimed after a replica stopped touching it, ADR 0001 "Guarantees"). Key a
   * handler's side effects by it to make them idempotent. Undefined for events.
   */
  getRequestKey(): string | undefined {
    const { replyTo, requestId } = this.args[0];
    return replyTo && requestId !== undefined ? `${replyTo}|${requestId}` : undefined;
  }
  /** When the client stops waiting for the answer (epoch ms), 0 when it never does (events). */
  getDeadline(): number {
    return this.args[0].deadline ?? 0;
  }
  getConsumer(): string {
    return this.args[0].consumer;
  }
  isReclaimed(): boolean {
    return this.args[0].reclaimed;
  }
}

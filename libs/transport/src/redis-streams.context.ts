import { BaseRpcContext } from '@nestjs/microservices';

export interface RedisStreamsContextArgs {
  /** Normalized message pattern. */
  pattern: string;
  traceId: string;
  /** Stream entry id of the request (unique per delivery target, useful in logs). */
  messageId: string;
  /** Client-assigned request id; undefined for events. */
  requestId?: string;
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
  getConsumer(): string {
    return this.args[0].consumer;
  }
  isReclaimed(): boolean {
    return this.args[0].reclaimed;
  }
}

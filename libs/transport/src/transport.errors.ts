/**
 * Transport failures the caller can act on. Each carries a stable `code` (and an HTTP-ish
 * `status`) so the gateway's filter maps them without string matching:
 * timeout -> 504, unavailable -> 503, replica lost -> 502.
 */
export abstract class TransportError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  constructor(
    message: string,
    readonly service: string,
    readonly pattern?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Plain-object form, for logs and for passing across process boundaries. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, status: this.status, message: this.message, service: this.service, pattern: this.pattern };
  }
}

export class TransportTimeoutError extends TransportError {
  readonly code = 'TRANSPORT_TIMEOUT';
  readonly status = 504;
  constructor(
    service: string,
    pattern: string,
    readonly timeoutMs: number,
    afterFirstPacket = false,
  ) {
    super(
      afterFirstPacket
        ? `Service "${service}" stopped streaming "${pattern}": no packet for ${timeoutMs} ms`
        : `Service "${service}" did not answer "${pattern}" within ${timeoutMs} ms`,
      service,
      pattern,
    );
  }
}

export class ServiceUnavailableError extends TransportError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly status = 503;
  constructor(service: string, pattern?: string, reason = 'no live replica is registered') {
    super(`Service "${service}" is unavailable${pattern ? ` for "${pattern}"` : ''}: ${reason}`, service, pattern);
  }
}

export class ReplicaLostError extends TransportError {
  readonly code = 'REPLICA_LOST';
  readonly status = 502;
  constructor(service: string, pattern: string, reason: string) {
    super(`Service "${service}" lost the replica serving "${pattern}": ${reason}`, service, pattern);
  }
}

/**
 * Wire format of request entries and reply packets. Requests use named stream fields (readable
 * with XRANGE when debugging); a reply packet is one JSON field, so the hot path parses once.
 */

export interface RequestEnvelope {
  /** Absent for events (fire-and-forget). */
  id?: string;
  pattern: string;
  /** JSON text; parsed by the server only when a handler exists. */
  data: string;
  /** Reply stream key; absent for events. */
  replyTo?: string;
  /** Epoch ms after which nobody waits for the answer; 0 = none (events). */
  deadline: number;
  traceId: string;
  /**
   * Present when the caller collects `Server-Timing` hops: its wall clock (epoch ms, sub-ms) when it sent the
   * request, so the server can report the queue wait; the server then returns its hops in the final packet's `t`.
   */
  sentAt?: number;
}

export interface ReplyPacket {
  /** Request id. */
  id: string;
  /** 0, 1, 2 … per request, so the client can restore order and drop duplicates. */
  seq: number;
  /** Consumer name of the replica that produced it (detects a replica switch mid-stream). */
  from: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
  /** Hops measured by the server (final packet only, and only when the request carried `sentAt`). */
  t?: { name: string; dur: number; desc?: string }[];
}

export const REPLY_FIELD = 'p';

export function encodeRequest(req: RequestEnvelope): string[] {
  const fields = ['pattern', req.pattern, 'data', req.data, 'deadline', String(req.deadline), 'traceId', req.traceId];
  if (req.id !== undefined) fields.push('id', req.id);
  if (req.replyTo !== undefined) fields.push('replyTo', req.replyTo);
  if (req.sentAt !== undefined) fields.push('sentAt', String(req.sentAt));
  return fields;
}

/** Returns null for entries that are not requests (malformed or foreign). */
export function decodeRequest(fields: readonly string[] | null | undefined): RequestEnvelope | null {
  if (!fields) return null;
  const req: Partial<Record<keyof RequestEnvelope, string>> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    (req as Record<string, string>)[fields[i]] = fields[i + 1];
  }
  if (typeof req.pattern !== 'string' || typeof req.data !== 'string') return null;
  return {
    id: req.id,
    pattern: req.pattern,
    data: req.data,
    replyTo: req.replyTo,
    deadline: Number(req.deadline) || 0,
    traceId: req.traceId ?? '',
    ...(req.sentAt !== undefined && Number.isFinite(Number(req.sentAt)) ? { sentAt: Number(req.sentAt) } : {}),
  };
}

/** Error objects do not survive JSON.stringify; keep what a caller can use. */
function serializableError(err: unknown): unknown {
  if (err instanceof Error) {
    const extra = err as Error & { code?: unknown; status?: unknown };
    return { status: extra.status ?? 'error', code: extra.code, message: err.message };
  }
  return err;
}

export function encodeReply(packet: ReplyPacket): string {
  return JSON.stringify(packet.err === undefined ? packet : { ...packet, err: serializableError(packet.err) });
}

/** Reply stream entries are `[REPLY_FIELD, json]`; anything else (e.g. the stream's creation marker) is skipped. */
export function decodeReply(fields: readonly string[] | null | undefined): ReplyPacket | null {
  if (!fields || fields[0] !== REPLY_FIELD || typeof fields[1] !== 'string') return null;
  try {
    const packet = JSON.parse(fields[1]) as ReplyPacket;
    return typeof packet.id === 'string' && typeof packet.seq === 'number' ? packet : null;
  } catch {
    return null;
  }
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, Subscription } from 'rxjs';
import { toErrorBody } from './http-error.filter';

/**
 * Writes an Observable as Server-Sent Events straight to the socket (no buffering, flushed per
 * event). Each item names its event type (`{ type: 'token', ... }` -> `event: token`). The
 * upstream subscription is dropped when the client goes away, which cancels the work behind it.
 */
export function sendSse<T extends { type?: string }>(req: FastifyRequest, reply: FastifyReply, source: Observable<T>, opts: { keepAliveMs?: number } = {}): void {
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    ...corsAndSecurityHeaders(reply),
  });
  raw.flushHeaders?.();
  let closed = false;
  const write = (event: string, data: unknown) => {
    if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const keepAlive = setInterval(() => !closed && raw.write(': keep-alive\n\n'), opts.keepAliveMs ?? 15_000);
  const end = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    raw.end();
  };
  const sub: Subscription = source.subscribe({
    next: (item) => write(item.type ?? 'message', item),
    error: (err) => {
      const body = toErrorBody(err);
      write('error', { type: 'error', status: body.statusCode, code: body.error, message: body.message, incomplete: true });
      end();
    },
    complete: end,
  });
  // The client went away: unsubscribing cancels the work upstream (the transport tells the replica).
  req.raw.on('close', () => {
    sub.unsubscribe();
    end();
  });
}

/** Headers set on the reply by hooks (helmet, CORS, rate limits) must survive hijack(). */
function corsAndSecurityHeaders(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) out[k] = String(v);
  return out;
}

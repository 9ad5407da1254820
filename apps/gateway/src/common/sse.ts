import type { FastifyReply } from 'fastify';
import { Observable, Subscription } from 'rxjs';
import { toErrorBody } from './http-error.filter';
import { callerOf, errorForCaller } from './no-provider.redact';
import { serverTimingOf } from '../bootstrap/request-context.hook';

/** Options of one SSE response. */
export interface SseOptions {
  /** Comment line interval (ms) that keeps proxies from closing an idle stream. */
  keepAliveMs?: number;
  /** Extra response headers (e.g. X-Stream-Id). */
  headers?: Record<string, string>;
}

/**
 * Writes an Observable as Server-Sent Events straight to the socket (no buffering, flushed per
 * event; format: https://html.spec.whatwg.org/multipage/server-sent-events.html). Each item names
 * its event type (`{ type: 'token', ... }` -> `event: token`) and every event has an `id:` line:
 * the item's own numeric `id` when it has one (tracked chat streams: the `Last-Event-ID` to
 * resume after), else a counter that continues after the last id seen.
 *
 * When the client goes away the upstream subscription is dropped. That is detected on the
 * response/socket (`reply.raw` 'close'): the request stream of a POST has already ended by then.
 */
export function sendSse<T extends { type?: string; id?: number }>(reply: FastifyReply, source: Observable<T>, opts: SseOptions = {}): void {
  const raw = reply.raw;
  for (const [k, v] of Object.entries(opts.headers ?? {})) reply.header(k, v);
  // A stream's head goes out before the answer: its Server-Timing covers the hops up to here (auth, rate limit, registration).
  const timing = serverTimingOf(reply.request, reply.elapsedTime);
  if (timing) reply.header('Server-Timing', timing);
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
  let lastId = 0;
  const write = (event: string, data: { id?: number; [field: string]: unknown }) => {
    if (closed) return;
    lastId = typeof data.id === 'number' ? data.id : lastId + 1;
    raw.write(`id: ${lastId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const keepAlive = setInterval(() => !closed && raw.write(': keep-alive\n\n'), opts.keepAliveMs ?? 15_000);
  const end = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    raw.end();
  };
  let sub: Subscription | undefined = undefined;
  // The client went away (or we ended): unsubscribing cancels or detaches the work upstream.
  raw.once('close', () => {
    end();
    sub?.unsubscribe();
  });
  sub = source.subscribe({
    // A stored chat stream carries ai-router's error events as items: they are redacted for the caller too.
    next: (item) =>
      write(item.type ?? 'message', item.type === 'error' ? (errorForCaller(item as never, callerOf(reply.request)) as T) : item),
    error: (err) => {
      const body = errorForCaller(toErrorBody(err), callerOf(reply.request));
      write('error', {
        type: 'error',
        id: lastId + 1,
        status: body.statusCode,
        code: body.error,
        message: body.message,
        incomplete: lastId > 0,
      });
      end();
    },
    complete: end,
  });
  if (raw.destroyed) sub.unsubscribe();
}

/** Headers set on the reply by hooks (helmet, CORS, rate limits) must survive hijack(). */
function corsAndSecurityHeaders(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) out[k] = String(v);
  return out;
}

import type { FastifyReply } from 'fastify';
import type { Observable, Subscription } from 'rxjs';
import { toErrorBody } from './http-error.filter';
import { callerOf, errorForCaller } from './no-provider.redact';
import { toOpenAiError } from '../v1/openai-error';

export interface OpenAiSseOptions<T> {
  /** Response headers, computed from the first item (e.g. the provider that answers). */
  headers?: (first: T) => Record<string, string>;
  keepAliveMs?: number;
}

/**
 * OpenAI's streaming framing beside sendSse: `data: <json>` lines only (no `event:`/`id:`), ending
 * with `data: [DONE]`. The status line waits for the first item, so a failure before any output
 * (unknown model, no provider) is a plain HTTP error in OpenAI's shape, as SDKs expect; a failure
 * after it is one `data: {"error": …}` and no [DONE]. The client leaving (`reply.raw` 'close')
 * unsubscribes, which cancels the work upstream at once.
 */
export function sendOpenAiSse<T extends object>(reply: FastifyReply, source: Observable<T>, opts: OpenAiSseOptions<T> = {}): void {
  const raw = reply.raw;
  reply.hijack();
  let started = false;
  let closed = false;
  let keepAlive: NodeJS.Timeout | undefined;
  const end = (tail = '') => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    raw.end(tail);
  };
  const start = (first: T) => {
    started = true;
    raw.writeHead(200, {
      ...hookHeaders(reply),
      ...(opts.headers?.(first) ?? {}),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    keepAlive = setInterval(() => !closed && raw.write(': keep-alive\n\n'), opts.keepAliveMs ?? 15_000);
  };
  let sub: Subscription | undefined = undefined;
  raw.once('close', () => {
    end();
    sub?.unsubscribe();
  });
  sub = source.subscribe({
    next: (item) => {
      if (closed) return;
      if (!started) start(item);
      raw.write(`data: ${JSON.stringify(item)}\n\n`);
    },
    error: (err) => {
      const body = errorForCaller(toErrorBody(err), callerOf(reply.request));
      if (!started) {
        const headers: Record<string, string> = { ...hookHeaders(reply), 'Content-Type': 'application/json; charset=utf-8' };
        const retry = (err as { retryAfter?: number })?.retryAfter;
        if (body.statusCode === 429 && retry) headers['Retry-After'] = String(retry);
        raw.writeHead(body.statusCode, headers);
        return end(JSON.stringify(toOpenAiError(body)));
      }
      end(`data: ${JSON.stringify(toOpenAiError(body))}\n\n`);
    },
    complete: () => {
      if (!started && !closed) raw.writeHead(200, { ...hookHeaders(reply), 'Content-Type': 'text/event-stream; charset=utf-8' });
      end('data: [DONE]\n\n');
    },
  });
  if (raw.destroyed) sub.unsubscribe();
}

/** Headers set by hooks (helmet, CORS, rate limits) must survive hijack(). */
function hookHeaders(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) out[k] = String(v);
  return out;
}

import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODE } from '@nitro/contracts';
import { traceContext } from '@nitro/observability';
import { traceIdOf } from './request-context.hook';

/**
 * Longest path parameter the router accepts. Above every DTO limit (ids 64, gallery file names 200
 * characters, which percent-encoded can take ~2,400), so a long id gets the DTO's 400 naming the field;
 * past it the router answers 414 in our error shape (Fastify's own 414 had no trace_id and echoed the URL).
 */
export const ROUTE_PARAM_MAX = 4096;

/**
 * Errors the router raises before any hook runs (a parameter over ROUTE_PARAM_MAX, a malformed
 * percent-encoding): the project's `{ statusCode, error, message, trace_id }`, never the URL itself.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const trace_id = traceIdOf(req);
  const [statusCode, error, message] =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, ERROR_CODE.URI_TOO_LONG, `a path segment is longer than ${ROUTE_PARAM_MAX} characters`]
      : err.code === 'FST_ERR_BAD_URL'
        ? [400, ERROR_CODE.BAD_REQUEST, 'the URL is not valid (a malformed percent-encoding)']
        : [err.statusCode && err.statusCode < 500 ? err.statusCode : 400, ERROR_CODE.BAD_REQUEST, 'the request cannot be routed'];
  void reply.code(statusCode).header('X-Request-Id', trace_id).send({ statusCode, error, message, trace_id });
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request: headers or body that did not arrive
 * within HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS (408), headers over the size limit (431), bytes that
 * are not HTTP (400). Answered in our error shape, then the connection is closed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [statusCode, error, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, ERROR_CODE.REQUEST_TIMEOUT, 'the request headers or body did not arrive in time (HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS)']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, ERROR_CODE.BAD_REQUEST, 'the request headers are larger than the server accepts']
        : [400, ERROR_CODE.BAD_REQUEST, 'the request is not valid HTTP'];
  const body = JSON.stringify({ statusCode, error, message, trace_id: traceContext.newTraceId() });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Node checks request/header deadlines on a timer (30 s by default): check often enough that a deadline means itself. */
export function connectionsCheckingInterval(headersMs: number, requestMs: number): number {
  return Math.max(100, Math.min(1_000, Math.floor(Math.min(headersMs, requestMs) / 4)));
}

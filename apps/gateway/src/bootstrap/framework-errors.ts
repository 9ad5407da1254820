import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODE } from '@nitro/contracts';
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

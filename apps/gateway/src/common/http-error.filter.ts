import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isRpcErrorPayload, ERROR_CODE } from '@nitro/contracts';
import { getLogger, traceContext } from '@nitro/observability';
import { isRedisUnavailable } from '@nitro/transport';
import { callerOf, errorForCaller } from './no-provider.redact';

/** Transport failures by error code (set by the transport lib) -> what the caller can act on. */
const TRANSPORT_STATUS: Record<string, number> = {
  TRANSPORT_TIMEOUT: HttpStatus.GATEWAY_TIMEOUT,
  SERVICE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  REPLICA_LOST: HttpStatus.BAD_GATEWAY,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  details?: unknown;
  trace_id?: string;
}

/** Maps anything thrown in a request to a JSON error; a 5xx only for what really is our fault. */
export function toErrorBody(exception: unknown): ErrorBody {
  const trace_id = traceContext.getTraceId();
  if (exception instanceof HttpException) {
    const res = exception.getResponse();
    const status = exception.getStatus();
    // Fastify's generic 415 for a JSON route: say which header is wrong (upload routes throw their own 415).
    if (status === 415 && exception.message === 'Unsupported Media Type') {
      return {
        statusCode: 400,
        error: ERROR_CODE.BAD_CONTENT_TYPE,
        message: 'Content-Type must be application/json (or multipart/form-data on upload routes)',
        trace_id,
      };
    }
    if (status === 400 && /JSON/.test(exception.message) && /not valid/i.test(exception.message)) {
      return { statusCode: 400, error: ERROR_CODE.MALFORMED_JSON, message: `body is not valid JSON: ${exception.message}`, trace_id };
    }
    if (typeof res === 'object' && res !== null) {
      const r = res as Record<string, unknown>;
      return {
        statusCode: status,
        error: String(r.error ?? r.code ?? HttpStatus[status] ?? 'ERROR'),
        message: (r.message as string) ?? exception.message,
        ...(r.details ? { details: r.details } : {}),
        trace_id,
      };
    }
    return { statusCode: status, error: HttpStatus[status] ?? 'ERROR', message: String(res), trace_id };
  }
  if (isRpcErrorPayload(exception)) {
    const status = exception.status >= 400 && exception.status < 600 ? exception.status : 500;
    return {
      statusCode: status,
      error: exception.code ?? 'ERROR',
      message: exception.message,
      ...(exception.details ? { details: exception.details } : {}),
      trace_id,
    };
  }
  const err = exception as { code?: string; statusCode?: number; message?: string };
  if (err?.code && TRANSPORT_STATUS[err.code]) {
    return { statusCode: TRANSPORT_STATUS[err.code], error: err.code, message: err.message ?? err.code, trace_id };
  }
  // Fastify's own errors (body parsing, content type, size) carry a 4xx statusCode.
  if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return fastifyError(err as { code?: string; statusCode: number; message?: string }, trace_id);
  }
  // A cut-off or malformed multipart body surfaces from the parser (busboy) without a status.
  if (err?.message && /multipart|Unexpected end of (form|multipart)|Malformed part header|Boundary not found/i.test(err.message)) {
    return {
      statusCode: 400,
      error: ERROR_CODE.MALFORMED_MULTIPART,
      message: `upload body is not valid multipart/form-data: ${err.message}`,
      trace_id,
    };
  }
  // Redis unreachable, timed out or failing over, met by any route (BullMQ, the gallery, conversations): retry shortly.
  if (isRedisUnavailable(exception)) {
    getLogger().warn({ reason: (exception as Error).message }, 'Redis unavailable');
    return {
      statusCode: 503,
      error: ERROR_CODE.REDIS_UNAVAILABLE,
      message: 'storage (Redis) is not answering right now; retry shortly',
      trace_id,
    };
  }
  getLogger().error({ err: exception }, 'unhandled error');
  return { statusCode: 500, error: ERROR_CODE.INTERNAL, message: 'internal error', trace_id };
}

function fastifyError(err: { code?: string; statusCode: number; message?: string }, trace_id?: string): ErrorBody {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        statusCode: 400,
        error: ERROR_CODE.BAD_CONTENT_TYPE,
        message: 'Content-Type must be application/json (or multipart/form-data on upload routes)',
        trace_id,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { statusCode: 413, error: ERROR_CODE.PAYLOAD_TOO_LARGE, message: 'request body is larger than this route accepts', trace_id };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { statusCode: 400, error: ERROR_CODE.EMPTY_BODY, message: 'body is empty: send a JSON object', trace_id };
    default:
      if (err.message && /JSON/i.test(err.message))
        return { statusCode: 400, error: ERROR_CODE.MALFORMED_JSON, message: `body is not valid JSON: ${err.message}`, trace_id };
      return { statusCode: err.statusCode, error: err.code ?? 'BAD_REQUEST', message: err.message ?? 'bad request', trace_id };
  }
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = errorForCaller(toErrorBody(exception), callerOf(host.switchToHttp().getRequest()));
    if (reply.sent || reply.raw.headersSent) return; // an SSE stream reports its own errors as events
    // A request refused as invalid gives back the budget it spent (set by the auth guard for the classes that refund).
    if (body.statusCode === 400 || body.statusCode === 413 || body.statusCode === 415)
      void host.switchToHttp().getRequest<{ rateRefund?: () => Promise<void> }>().rateRefund?.();
    if (body.statusCode === 429 && exception instanceof HttpException) {
      const retry = (exception.getResponse() as { retryAfter?: number })?.retryAfter;
      if (retry) reply.header('Retry-After', String(retry));
    }
    reply.status(body.statusCode).send(body);
  }
}

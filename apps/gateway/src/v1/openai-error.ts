import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from '../common/http-error.filter';

/** OpenAI's error object: what its SDKs read to build their exceptions (docs/adr/0008-openai-compatible-api.md). */
export interface OpenAiError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Our codes that OpenAI spells its own way; the rest go out lower-cased. */
const CODE: Record<string, string> = {
  MODEL_NOT_FOUND: 'model_not_found',
  UNAUTHENTICATED: 'invalid_api_key',
  RATE_LIMITED: 'rate_limit_exceeded',
  TEXT_TOO_LONG: 'context_length_exceeded',
  VALIDATION_FAILED: 'invalid_value',
};

function typeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The field a 400 is about: named by the service (`details.param`) or the first word of our message. */
function paramOf(body: ErrorBody): string | null {
  const details = body.details as { param?: unknown } | undefined;
  if (typeof details?.param === 'string') return details.param;
  if (body.error === 'MODEL_NOT_FOUND' || body.error === 'MODEL_UNAVAILABLE') return 'model';
  if (body.statusCode !== 400 && body.statusCode !== 413) return null;
  const first = (Array.isArray(body.message) ? body.message[0] : body.message)?.match(/^(?:property )?([a-z_][\w.[\]]*)\b/)?.[1];
  // A validation message always starts with the field's path (flattenValidationErrors), an unknown one too
  // ("property foo should not exist"); only a refusal of the whole body names none.
  if (body.error === 'VALIDATION_FAILED' && first && first !== 'body') return first;
  return first &&
    /^(model|messages|temperature|top_p|max_tokens|max_completion_tokens|stop|stream|stream_options|n|user|tools|tool_choice|input|encoding_format|dimensions|prompt|size|response_format|voice|speed|file|language|quality|style|seed|[a-z_]+\[\d+\].*)/.test(
      first,
    )
    ? first
    : null;
}

export function toOpenAiError(body: ErrorBody): OpenAiError {
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  return { error: { message, type: typeOf(body.statusCode), param: paramOf(body), code: CODE[body.error] ?? body.error.toLowerCase() } };
}

export const V1_PREFIX = /^\/v1(\/|$)/;

/**
 * Every error answered under /v1 leaves in OpenAI's shape, whoever raised it (guard 401/429, the
 * validation pipe, hooks' 413, services): one onSend hook rewrites our JSON error body, so no
 * route needs its own filter. Status and headers (Retry-After, WWW-Authenticate) stay as they were.
 */
export function registerOpenAiErrors(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 || !V1_PREFIX.test(req.url) || typeof payload !== 'string') return payload;
    let body: ErrorBody;
    try {
      body = JSON.parse(payload) as ErrorBody;
    } catch {
      return payload;
    }
    if (
      !body ||
      typeof body !== 'object' ||
      typeof body.error !== 'string' ||
      'error' in body === false ||
      typeof body.statusCode !== 'number'
    )
      return payload;
    return JSON.stringify(toOpenAiError(body));
  });
}

import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RateDecision } from './rate-limit.service';
import { RouteClass } from './route-class';
import { ERROR_CODE } from '@nitro/contracts';

/**
 * IETF draft "RateLimit header fields for HTTP" names, on every limited response; set on the
 * reply before the handler runs so SSE streams (which hijack the reply) carry them too.
 */
export function applyRateLimitHeaders(reply: FastifyReply, d: RateDecision): void {
  reply.header('RateLimit-Limit', String(d.limit));
  reply.header('RateLimit-Remaining', String(d.remaining));
  reply.header('RateLimit-Reset', String(d.resetS));
  reply.header('RateLimit-Policy', `${d.limit};w=${d.window}`);
  if (!d.allowed) reply.header('Retry-After', String(d.resetS));
}

export function tooManyRequests(cls: RouteClass, d: RateDecision): HttpException {
  const who = d.scope === 'user' ? 'for your account' : 'from your address';
  return new HttpException(
    {
      error: ERROR_CODE.RATE_LIMITED,
      message: `rate limit reached ${who} on ${cls} requests (${d.limit} per ${d.window} s): retry in ${d.resetS} s`,
      retryAfter: d.resetS,
    },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

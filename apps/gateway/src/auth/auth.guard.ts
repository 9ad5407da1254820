import { CanActivate, ExecutionContext, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayEnv } from '@nitro/config';
import { timed, traceContext } from '@nitro/observability';
import { assertContentType } from '../security/content-type.check';
import { applyRateLimitHeaders, tooManyRequests } from '../security/rate-limit.headers';
import { RateLimitService } from '../security/rate-limit.service';
import { isAlwaysPublic, rateClassOf } from '../security/route-class';
import { AuthUser, IS_PUBLIC, assertAdmin } from './auth-user';
import { Authenticator } from './authenticator.service';
import { canonicalizeUserIds } from './user-identity';
import { ERROR_CODE } from '@nitro/contracts';

/**
 * Global guard, in this order so a flood of bad credentials still spends its budget:
 * 1. read the credentials (a bad token is only an error on protected routes);
 * 2. rate limit per client IP and per user, shared by all gateway instances;
 * 3. refuse bodies that are neither JSON nor multipart on an upload route;
 * 4. 401 when a protected route has no valid caller.
 */
/** Classes whose budget a request refused as invalid does not consume (issue 14: a 400 spent one of 10 images a minute). */
const REFUND_INVALID = new Set(['image']);

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly env: GatewayEnv,
    private readonly authenticator: Authenticator,
    private readonly limits: RateLimitService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const path = req.routeOptions?.url ?? req.url.split('?')[0];
    const metricsPrivate = path === '/metrics' && !this.env.METRICS_PUBLIC;
    const isPublic =
      isAlwaysPublic(path) ||
      (!metricsPrivate && this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]) === true);

    const outcome = await timed('auth', () => this.authenticator.authenticate(req.headers.authorization));
    if (outcome.user) {
      req.user = outcome.user;
      const store = traceContext.get();
      if (store) store.userId = outcome.user.id;
    }

    const cls = rateClassOf(req.method, path);
    if (cls) {
      const decision = await timed('ratelimit', () => this.limits.consume(cls, outcome.user?.id, req.ip));
      if (decision) {
        applyRateLimitHeaders(reply, decision);
        if (!decision.allowed) throw tooManyRequests(cls, decision);
        // Small, expensive budgets: a request then refused as invalid (400/413/415) gives its unit back (HttpErrorFilter).
        if (REFUND_INVALID.has(cls)) {
          let refunded = false;
          (req as { rateRefund?: () => Promise<void> }).rateRefund = () =>
            refunded ? Promise.resolve() : ((refunded = true), this.limits.refund(cls, outcome.user?.id, req.ip));
        }
      }
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      assertContentType(
        req.headers['content-type'],
        this.reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, [ctx.getHandler(), ctx.getClass()]),
      );
    }

    if (isPublic) return true;
    if (!outcome.user) {
      reply.header('WWW-Authenticate', outcome.problem ? 'Bearer realm="nitro-ai", error="invalid_token"' : 'Bearer realm="nitro-ai"');
      throw new UnauthorizedException({
        error: ERROR_CODE.UNAUTHENTICATED,
        message: outcome.problem ?? 'authentication required: send Authorization: Bearer <access token or API key>',
      });
    }
    if (metricsPrivate) assertAdmin(outcome.user);
    // One spelling of every user_id from here on; an admin acting for a user who does not exist gets 404, not an empty 200.
    const target = canonicalizeUserIds(req);
    if (
      target !== undefined &&
      outcome.user.role === 'admin' &&
      outcome.user.via !== 'disabled' &&
      target !== outcome.user.id &&
      !(await this.authenticator.userExists(target))
    ) {
      throw new NotFoundException({ error: ERROR_CODE.NOT_FOUND, message: `no user "${target}"` });
    }
    return true;
  }
}

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
 * 1. read the credentials (a bad token is only an error on protected routes) and, in the same round trip,
 *    rate limit per client IP and per (claimed) user, shared by all gateway instances;
 * 2. (the decision of 1 applies: 429 before anything else);
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

    // The account check and the rate-limit spend go out together (one write, one round trip on the
    // auto-pipelined connection). The budget spent is the claimed user's: a JWT's signature or an API key's
    // lookup names them, even if the account check then refuses (a revoked session still spends its budget).
    const identity = await timed('auth', () => this.authenticator.identify(req.headers.authorization));
    const cls = rateClassOf(req.method, path);
    const [outcome, decision] = await Promise.all([
      timed('auth', () => identity.check()),
      cls ? timed('ratelimit', () => this.limits.consume(cls, identity.claimedId, req.ip)) : null,
    ]);
    if (outcome.user) {
      req.user = outcome.user;
      const store = traceContext.get();
      if (store) store.userId = outcome.user.id;
    }

    if (cls) {
      if (decision) {
        applyRateLimitHeaders(reply, decision);
        if (!decision.allowed) throw tooManyRequests(cls, decision);
        // Small, expensive budgets: a request then refused as invalid (400/413/415) gives its unit back (HttpErrorFilter).
        if (REFUND_INVALID.has(cls)) {
          let refunded = false;
          (req as { rateRefund?: () => Promise<void> }).rateRefund = () =>
            refunded ? Promise.resolve() : ((refunded = true), this.limits.refund(cls, identity.claimedId, req.ip));
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

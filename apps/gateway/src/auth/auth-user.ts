import { createParamDecorator, ExecutionContext, ForbiddenException, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { canonicalUserId, ERROR_CODE } from '@nitro/contracts';

/** Who is calling, as established by the auth guard from a JWT or an API key. */
export interface AuthUser {
  /** Canonical (canonicalUserId): the spelling every user_id is folded to and data is keyed by. */
  id: string;
  role: 'admin' | 'user';
  /** 'jwt' | 'api_key' | 'disabled' (AUTH_DISABLED single-user mode). */
  via: string;
  /** The refresh-token family behind a JWT (its session): logout and reuse detection revoke it. */
  sessionId?: string;
  /** The API key's id when via === 'api_key'. */
  keyId?: string;
}

export const IS_PUBLIC = 'nitro:isPublic';
/** Marks a route that needs no token (health, metrics, docs, auth, the PWA). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});

/** A user_id in a path or body must be the caller's own; admins may act for others. */
export function assertCanAccess(user: AuthUser | undefined, userId: string): void {
  if (!user)
    throw new UnauthorizedException({
      error: ERROR_CODE.UNAUTHENTICATED,
      message: 'authentication required: send Authorization: Bearer <token or API key>',
    });
  if (user.role === 'admin' || user.id === canonicalUserId(userId)) return;
  throw new ForbiddenException({ error: ERROR_CODE.FORBIDDEN, message: `user_id "${userId}" is not yours` });
}

/** Admin-only routes (user management, settings). */
export function assertAdmin(user: AuthUser | undefined): void {
  if (!user)
    throw new UnauthorizedException({
      error: ERROR_CODE.UNAUTHENTICATED,
      message: 'authentication required: send Authorization: Bearer <token or API key>',
    });
  if (user.role !== 'admin') throw new ForbiddenException({ error: ERROR_CODE.FORBIDDEN, message: 'this route is for the admin only' });
}

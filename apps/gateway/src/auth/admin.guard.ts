import { CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { AuthUser, assertAdmin } from './auth-user';

/**
 * Admin-only routes: 401 without a user, 403 for anyone but the admin. A guard runs after the global
 * AuthGuard and before pipes, so a non-admin is refused whatever the body or path holds (a validation
 * 400 would tell them about the route's input). Services keep their own assertAdmin as a second check.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    assertAdmin(ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user);
    return true;
  }
}

/** Marks a controller or route as the admin's (see AdminGuard). */
export const AdminOnly = () => UseGuards(AdminGuard);

import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CoreErrorCode, CoreException } from '../errors';
import { httpOf } from '../http/rate-limit';
import { AuthService, Principal } from './auth.service';

export const SESSION_COOKIE = 'sn_session';

type WithPrincipal = Request & { principal?: Principal | null };

/** Resolves the session cookie to a principal, or rejects with 401. */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req } = httpOf(context);
    if (!req) {
      return false;
    }
    const r = req as WithPrincipal;
    r.principal ??= await this.auth.principalFor(
      (req.cookies as Record<string, string>)?.[SESSION_COOKIE],
    );
    if (!r.principal) {
      throw new CoreException(CoreErrorCode.UNAUTHENTICATED, 'Sign in first.');
    }
    return true;
  }
}

/** The signed-in principal (after SessionGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const { req } = httpOf(ctx);
  return (req as WithPrincipal | undefined)?.principal ?? null;
});

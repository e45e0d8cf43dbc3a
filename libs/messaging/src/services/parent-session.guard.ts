import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ParentEntity } from '../entities/parent.entities';
import { PARENT_SESSION_COOKIE } from '../messaging.constants';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { ParentAuthService } from './parent-auth.service';

type WithParent = Request & { parent?: ParentEntity | null };

/**
 * Admits requests with a parent session cookie. Browsers without one are sent to the sign-in
 * page (with `next`), API clients get 401.
 */
@Injectable()
export class ParentSessionGuard implements CanActivate {
  constructor(private readonly auth: ParentAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithParent>();
    req.parent ??= await this.auth.parentFor(
      (req.cookies as Record<string, string> | undefined)?.[PARENT_SESSION_COOKIE],
    );
    if (req.parent) {
      return true;
    }
    const res = context.switchToHttp().getResponse<Response>();
    if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
      res.redirect(303, `/parents/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    }
    throw new MessagingException(MessagingErrorCode.PARENT_UNAUTHENTICATED, 'Sign in first.');
  }
}

/** The signed-in parent (after ParentSessionGuard), or null on public pages. */
export const CurrentParent = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ParentEntity | null =>
    ctx.switchToHttp().getRequest<WithParent>().parent ?? null,
);

/** Puts the parent on the request when a session cookie is present (public pages). */
export async function loadParent(
  req: Request,
  auth: ParentAuthService,
): Promise<ParentEntity | null> {
  const r = req as WithParent;
  r.parent ??= await auth.parentFor(
    (req.cookies as Record<string, string> | undefined)?.[PARENT_SESSION_COOKIE],
  );
  return r.parent;
}

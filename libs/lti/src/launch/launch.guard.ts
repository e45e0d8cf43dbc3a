import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { LaunchContext, LaunchService } from './launch.service';

type WithLaunch = Request & { launch?: LaunchContext };

/** The `lt` launch token of a request: query, form body or the X-Launch-Token header. */
export function launchTokenOf(req: Request): string | undefined {
  const fromQuery = req.query?.lt;
  if (typeof fromQuery === 'string' && fromQuery) {
    return fromQuery;
  }
  const fromBody = (req.body as Record<string, unknown> | undefined)?.lt;
  if (typeof fromBody === 'string' && fromBody) {
    return fromBody;
  }
  const header = req.headers['x-launch-token'];
  return typeof header === 'string' && header ? header : undefined;
}

/**
 * Admits requests carrying a valid launch token and puts the {@link LaunchContext} on the
 * request; otherwise 401 with a translated page (LAUNCH_TOKEN_MISSING / _INVALID / LAUNCH_EXPIRED).
 */
@Injectable()
export class LaunchGuard implements CanActivate {
  constructor(private readonly launches: LaunchService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithLaunch>();
    req.launch = await this.launches.resolve(launchTokenOf(req));
    return true;
  }
}

/** The launch of the request (after {@link LaunchGuard}). */
export const CurrentLaunch = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): LaunchContext | undefined =>
    ctx.switchToHttp().getRequest<WithLaunch>().launch,
);

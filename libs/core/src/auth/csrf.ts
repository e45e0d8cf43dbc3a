import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { AppConfig, InjectConfig } from '../config';
import { CoreErrorCode, CoreException } from '../errors';

const COOKIE = 'sn_csrf';

/** Double-submit CSRF tokens: a random cookie and its HMAC in the form. */
@Injectable()
export class CsrfService {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /** The value for a hidden `_csrf` field; sets the cookie if the browser has none. */
  token(req: Request, res: Response): string {
    let seed = (req.cookies as Record<string, string> | undefined)?.[COOKIE];
    if (!seed || seed.length !== 43) {
      seed = randomBytes(32).toString('base64url');
      res.cookie(COOKIE, seed, {
        httpOnly: true,
        sameSite: 'lax',
        secure: this.config.secureCookies,
        path: '/',
      });
    }
    return this.sign(seed);
  }

  verify(req: Request): boolean {
    const seed = (req.cookies as Record<string, string> | undefined)?.[COOKIE];
    const sent =
      (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
    if (!seed || typeof sent !== 'string') {
      return false;
    }
    const expected = Buffer.from(this.sign(seed));
    const actual = Buffer.from(sent);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private sign(seed: string): string {
    return createHmac('sha256', this.config.appSecret).update(`csrf:${seed}`).digest('base64url');
  }
}

@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly csrf: CsrfService) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!this.csrf.verify(req)) {
      throw new CoreException(
        CoreErrorCode.CSRF_FAILED,
        'Form expired or forged (CSRF check failed).',
      );
    }
    return true;
  }
}

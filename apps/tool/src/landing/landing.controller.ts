import {
  AppConfig,
  findAppRoot,
  I18n,
  InjectConfig,
  negotiateLang,
  SESSION_COOKIE,
  Views,
} from '@lib/core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SAFEGUARDING_ACCOUNTS } from '@lib/demo';
import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as path from 'node:path';
import './landing.messages';

/** The front door: what SafeNest is, for whom, and how to try it. */
@Controller()
export class LandingController {
  private readonly views = new Views(path.join(findAppRoot(), 'apps/tool/src/landing/templates'));

  constructor(@InjectConfig() private readonly config: AppConfig) {}

  @Get()
  home(@Req() req: Request, @Res() res: Response): void {
    const lang = negotiateLang(req);
    if (typeof req.query.lang === 'string') {
      res.cookie('sn_lang', lang, {
        sameSite: 'lax',
        secure: this.config.secureCookies,
        maxAge: 365 * 86_400_000,
      });
    }
    res.type('html').send(
      this.views.page(
        'home',
        { title: I18n.t(lang, 'landing.title'), lang, path: '/' },
        {
          sandbox: this.config.sandboxEnabled,
          // A session cookie: offer the account's home instead of the sign-in (an expired
          // session is sent to the sign-in from there).
          signedIn: Boolean((req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE]),
          demo: this.config.demoSeed
            ? {
                // officials and school admins, then the concern channel's safeguarding leads
                accounts: [...DEMO_ACCOUNTS, ...DEMO_SAFEGUARDING_ACCOUNTS],
                password: DEMO_PASSWORD,
              }
            : undefined,
          publicUrl: this.config.publicUrl,
        },
      ),
    );
  }
}

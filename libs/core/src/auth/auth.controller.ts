import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as path from 'node:path';
import { AppConfig, findAppRoot, InjectConfig } from '../config';
import { DomainException } from '../errors';
import { I18n, negotiateLang } from '../i18n';
import { RateLimit } from '../http/rate-limit';
import { Views } from '../views';
import { AccountLinks } from './account-links';
import { AuthService } from './auth.service';
import { OrgDirectory } from './org-directory';
import { CsrfGuard, CsrfService } from './csrf';
import { CurrentPrincipal, SESSION_COOKIE, SessionGuard } from './session.guard';
import type { Principal } from './auth.service';

I18n.register({
  vi: {
    'auth.title': 'Đăng nhập SafeNest',
    'auth.intro':
      'Dành cho cán bộ xã, tỉnh, Bộ và quản trị trường. Giáo viên và học sinh vào từ LMS của trường.',
    'auth.email': 'Email',
    'auth.password': 'Mật khẩu',
    'auth.submit': 'Đăng nhập',
    'auth.account': 'Tài khoản của bạn',
    'auth.roles': 'Vai trò',
    'auth.noRoles': 'Tài khoản chưa được giao vai trò nào. Hãy liên hệ quản trị viên.',
    'auth.work': 'Công việc của bạn',
    'auth.noWork': 'Vai trò của tài khoản này chưa có trang nào trong SafeNest.',
    'auth.role.system_admin': 'Quản trị hệ thống',
    'auth.role.official': 'Cán bộ quản lý',
    'auth.role.school_admin': 'Quản trị trường',
    'auth.role.safeguarding_lead': 'Phụ trách bảo vệ trẻ em',
    'auth.role.teacher': 'Giáo viên',
  },
  en: {
    'auth.title': 'Sign in to SafeNest',
    'auth.intro':
      'For commune, province and ministry officials and school admins. Teachers and students come in from the school LMS.',
    'auth.email': 'E-mail',
    'auth.password': 'Password',
    'auth.submit': 'Sign in',
    'auth.account': 'Your account',
    'auth.roles': 'Roles',
    'auth.noRoles': 'This account has no role yet. Ask your administrator.',
    'auth.work': 'Your work',
    'auth.noWork': "This account's roles have no page in SafeNest yet.",
    'auth.role.system_admin': 'System administrator',
    'auth.role.official': 'Official',
    'auth.role.school_admin': 'School admin',
    'auth.role.safeguarding_lead': 'Safeguarding lead',
    'auth.role.teacher': 'Teacher',
  },
});

/** Local-account sign-in for people who do not come through an LMS. */
@Controller()
export class AuthController {
  private readonly views = new Views(path.join(findAppRoot(), 'libs/core/src/auth/templates'));

  constructor(
    private readonly auth: AuthService,
    private readonly csrf: CsrfService,
    private readonly orgs: OrgDirectory,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('login')
  loginPage(@Req() req: Request, @Res() res: Response, @Query('next') next?: string): void {
    const lang = negotiateLang(req);
    res.type('html').send(
      this.views.page(
        'login',
        { title: I18n.t(lang, 'auth.title'), lang, path: req.originalUrl },
        {
          csrf: this.csrf.token(req, res),
          next: safeNext(next),
        },
      ),
    );
  }

  @Post('login')
  @UseGuards(CsrfGuard)
  @RateLimit({ name: 'login', points: 10, durationSeconds: 60 })
  async login(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { email?: string; password?: string; next?: string },
  ): Promise<void> {
    const lang = negotiateLang(req);
    try {
      const { token } = await this.auth.login(
        String(body.email ?? ''),
        String(body.password ?? ''),
      );
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: this.config.secureCookies,
        maxAge: this.config.sessionTtlHours * 3_600_000,
        path: '/',
      });
      // The language the form was in carries over (the form posts to /login?lang=…).
      res.redirect(303, safeNext(body.next) ?? `/account?lang=${lang}`);
    } catch (err) {
      if (!(err instanceof DomainException)) {
        throw err;
      }
      res
        .status(err.status)
        .type('html')
        .send(
          this.views.page(
            'login',
            { title: I18n.t(lang, 'auth.title'), lang, path: req.originalUrl },
            {
              csrf: this.csrf.token(req, res),
              next: safeNext(body.next),
              email: body.email,
              error: I18n.t(lang, `errors.${err.code}`),
            },
          ),
        );
    }
  }

  @Post('logout')
  @UseGuards(CsrfGuard)
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = (req.cookies as Record<string, string>)?.[SESSION_COOKIE];
    if (token) {
      await this.auth.logout(token);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/');
  }

  @Get('account')
  @UseGuards(SessionGuard)
  async account(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const lang = negotiateLang(req);
    // The signed-in home: where this account's roles can go, then who it is and where.
    const roles = principal.bindings.map((b) => b.role);
    const links = AccountLinks.for(roles).map((l) => ({
      href: `${l.href}?lang=${lang}`,
      label: I18n.t(lang, l.label),
      hint: I18n.t(lang, l.hint),
    }));
    const names = await this.orgs.namesOf([...new Set(principal.bindings.map((b) => b.orgNodeId))]);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(
      this.views.page(
        'account',
        { title: I18n.t(lang, 'auth.account'), lang, path: req.originalUrl },
        {
          principal,
          links,
          bindings: principal.bindings.map((b) => ({
            role: I18n.t(lang, `auth.role.${b.role}`),
            org: names.get(b.orgNodeId) ?? b.orgNodeId,
          })),
          csrf: this.csrf.token(req, res),
        },
      ),
    );
  }
}

/** Only same-site relative paths, so the login form cannot redirect elsewhere. */
function safeNext(next: unknown): string | undefined {
  return typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : undefined;
}

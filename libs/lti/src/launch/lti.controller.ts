import { I18n, negotiateLang } from '@lib/core';
import { All, Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { LOGIN_TTL_MS } from '../lti.constants';
import { PlatformRegistry } from '../services/platform-registry.service';
import { LaunchFlowService, LoginParams, stateCookieName } from './launch-flow.service';
import { LaunchLandings } from './launch-landings';
import { LaunchService } from './launch.service';
import { ltiViews, LtiExceptionFilter } from './lti-exception.filter';

/** OIDC login initiation and the launch (the platform's form post of the id_token). */
@Controller('lti')
@UseFilters(LtiExceptionFilter)
export class LtiController {
  constructor(
    private readonly flow: LaunchFlowService,
    private readonly platforms: PlatformRegistry,
    private readonly landings: LaunchLandings,
    private readonly launches: LaunchService,
  ) {}

  /** The tool's JWKS: current keys plus rotated-out keys still in their grace period. */
  @Get('keys')
  async keys(@Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json(await this.platforms.keyset());
  }

  private cookieOptions(): CookieOptions {
    // Inside the LMS iframe the cookie is third-party: SameSite=None; Secure; Partitioned (CHIPS).
    return this.flow.cookieSecure
      ? {
          httpOnly: true,
          secure: true,
          sameSite: 'none',
          partitioned: true,
          maxAge: LOGIN_TTL_MS,
          path: '/lti',
        }
      : { httpOnly: true, sameSite: 'lax', maxAge: LOGIN_TTL_MS, path: '/lti' };
  }

  @All('login')
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    const params = {
      ...(req.query as Record<string, unknown>),
      ...((req.body as Record<string, unknown> | undefined) ?? {}),
    } as LoginParams;
    const outcome = await this.flow.login(params);
    res.cookie(outcome.cookie.name, outcome.cookie.value, this.cookieOptions());
    res.setHeader('Cache-Control', 'no-store');
    if (outcome.storageTarget) {
      // Also keep state and nonce in the platform's storage frame, for browsers that drop the cookie.
      const lang = negotiateLang(req);
      res.type('html').send(
        ltiViews.page(
          'storage-check',
          {
            title: I18n.t(lang, 'lti.storage.checking'),
            lang,
            embedded: true,
            scripts: ['/static/lti-storage.js'],
          },
          {
            mode: 'put',
            authUrl: outcome.authUrl,
            storageTarget: outcome.storageTarget,
            platformOrigin: new URL(outcome.authUrl).origin,
            state: outcome.state,
            nonce: outcome.nonce,
          },
        ),
      );
      return;
    }
    redirect(res, 302, outcome.authUrl);
  }

  @All('launch')
  async launch(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = (req.body as Record<string, unknown> | undefined) ?? {};
    const outcome = await this.flow.launch(
      {
        idToken: body.id_token,
        state: body.state,
        storageProof: body.storage_proof,
        cookies: (req.cookies as Record<string, string | undefined>) ?? {},
      },
      negotiateLang(req),
    );
    res.setHeader('Cache-Control', 'no-store');
    if (outcome.kind === 'storage-check') {
      res.type('html').send(
        ltiViews.page(
          'storage-check',
          {
            title: I18n.t(outcome.lang, 'lti.storage.checking'),
            lang: outcome.lang,
            embedded: true,
            scripts: ['/static/lti-storage.js'],
          },
          { mode: 'get', ...outcome },
        ),
      );
      return;
    }
    const state = typeof body.state === 'string' ? body.state : '';
    res.clearCookie(stateCookieName(state), { ...this.cookieOptions(), maxAge: undefined });
    const landing = outcome.learner ? this.landings.learner() : undefined;
    if (landing) {
      // The lesson's first page answers the post itself (ADR 0107); Content-Location names its
      // own address, which the page also puts in the address bar so a reload asks for that.
      res.setHeader('Content-Location', outcome.location);
      await landing(
        { launch: await this.launches.resolve(outcome.lt), lt: outcome.lt, url: outcome.location },
        req,
        res,
      );
      return;
    }
    redirect(res, 303, outcome.location);
  }
}

/** A bare redirect: Express's adds content negotiation and an HTML body no browser shows. */
function redirect(res: Response, status: 302 | 303, location: string): void {
  res.status(status).location(location).setHeader('Content-Length', '0');
  res.end();
}

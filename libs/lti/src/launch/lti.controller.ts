import { I18n, negotiateLang, sendHtml } from '@lib/core';
import { All, Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
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
  /**
   * The state cookie's attributes, worked out once: they depend only on the configuration, and
   * Express's `res.cookie`/`clearCookie` re-validate and re-serialise them on every login and
   * launch. The value is the base64url state, which needs no encoding. Inside the LMS iframe the
   * cookie is third-party: SameSite=None; Secure; Partitioned (CHIPS). Max-Age alone sets the
   * lifetime (RFC 6265 §5.2.2: it wins over Expires wherever both are understood).
   */
  private readonly stateCookie: { set: string; clear: string };

  constructor(
    private readonly flow: LaunchFlowService,
    private readonly platforms: PlatformRegistry,
    private readonly landings: LaunchLandings,
    private readonly launches: LaunchService,
  ) {
    this.stateCookie = stateCookieAttributes(flow.cookieSecure);
  }

  /** The tool's JWKS: current keys plus rotated-out keys still in their grace period. */
  @Get('keys')
  async keys(@Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json(await this.platforms.keyset());
  }

  @All('login')
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    const params = {
      ...(req.query as Record<string, unknown>),
      ...((req.body as Record<string, unknown> | undefined) ?? {}),
    } as LoginParams;
    const outcome = await this.flow.login(params);
    res.appendHeader(
      'Set-Cookie',
      `${outcome.cookie.name}=${outcome.cookie.value}${this.stateCookie.set}`,
    );
    res.setHeader('Cache-Control', 'no-store');
    if (outcome.storageTarget) {
      // Also keep state and nonce in the platform's storage frame, for browsers that drop the cookie.
      const lang = negotiateLang(req);
      sendHtml(
        res,
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
            storageKey: outcome.cookie.value,
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
      sendHtml(
        res,
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
    res.appendHeader('Set-Cookie', `${stateCookieName(state)}=${this.stateCookie.clear}`);
    const landing = outcome.learner ? this.landings.learner() : undefined;
    if (landing) {
      // The lesson's first page answers the post itself (ADR 0107); Content-Location names its
      // own address, which the page also puts in the address bar so a reload asks for that.
      res.setHeader('Content-Location', outcome.location);
      await landing(
        {
          launch: await this.launches.recorded(outcome.launchId),
          lt: outcome.lt,
          url: outcome.location,
        },
        req,
        res,
      );
      return;
    }
    redirect(res, 303, outcome.location);
  }
}

/** `Set-Cookie` suffixes (after `name=value`) that set and clear the login's state cookie. */
export function stateCookieAttributes(secure: boolean): { set: string; clear: string } {
  const scope = `; Path=/lti; HttpOnly${secure ? '; Secure; SameSite=None; Partitioned' : '; SameSite=Lax'}`;
  return {
    set: `; Max-Age=${Math.floor(LOGIN_TTL_MS / 1000)}${scope}`,
    clear: `; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${scope}`,
  };
}

/** A bare redirect: Express's adds content negotiation and an HTML body no browser shows. */
function redirect(res: Response, status: 302 | 303, location: string): void {
  res.status(status).location(location).setHeader('Content-Length', '0');
  res.end();
}

import {
  AccessService,
  CsrfGuard,
  CsrfService,
  CurrentPrincipal,
  I18n,
  negotiateLang,
  Principal,
  Role,
  SessionGuard,
  CoreErrorCode,
  CoreException,
} from '@lib/core';
import { OrgsService } from '@lib/orgs';
import { Body, Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ltiViews } from '../launch/lti-exception.filter';
import { KEY_ROTATION_GRACE_MS, LTI_PATHS } from '../lti.constants';
import { LtiUrls } from '../services/lti-urls.service';
import { PlatformRegistry } from '../services/platform-registry.service';

/**
 * Registrations page for local accounts: system admins list, activate and deactivate LMSs and
 * bind any deployment; school admins bind deployments to nodes they administer.
 */
@Controller('lti/admin')
@UseGuards(SessionGuard)
export class LtiAdminController {
  constructor(
    private readonly platforms: PlatformRegistry,
    private readonly access: AccessService,
    private readonly orgs: OrgsService,
    private readonly csrf: CsrfService,
    private readonly urls: LtiUrls,
  ) {}

  private isSystemAdmin(principal: Principal): boolean {
    return principal.bindings.some((b) => b.role === Role.SYSTEM_ADMIN);
  }

  private assertAdmin(principal: Principal): void {
    if (
      !principal.bindings.some((b) => b.role === Role.SYSTEM_ADMIN || b.role === Role.SCHOOL_ADMIN)
    ) {
      throw new CoreException(CoreErrorCode.FORBIDDEN, 'Administrators only.');
    }
  }

  @Get()
  async page(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    this.assertAdmin(principal);
    await this.renderWith(req, res, principal, {});
  }

  private async renderWith(
    req: Request,
    res: Response,
    principal: Principal,
    extra: { error?: string; form?: Record<string, unknown> },
  ): Promise<void> {
    const lang = negotiateLang(req);
    const platforms = await Promise.all(
      (await this.platforms.list()).map(async (p) => ({
        ...p,
        deployments: await Promise.all(
          (await this.platforms.deploymentsOf(p.id)).map(async (d) => ({
            ...d,
            org: d.orgNodeId ? await this.orgs.getById(d.orgNodeId).catch(() => null) : null,
          })),
        ),
      })),
    );
    res.type('html').send(
      ltiViews.page(
        'lti-admin',
        { title: I18n.t(lang, 'lti.admin.title'), lang, path: '/lti/admin' },
        {
          platforms,
          systemAdmin: this.isSystemAdmin(principal),
          registerUrl: this.urls.url(LTI_PATHS.register),
          unassigned: await this.platforms.unassignedContextCount(),
          csrf: this.csrf.token(req, res),
          saved: req.query.saved === '1',
          added: req.query.added === '1',
          rotated:
            typeof req.query.rotated === 'string' && typeof req.query.until === 'string'
              ? I18n.t(lang, 'lti.admin.rotated', {
                  kid: req.query.rotated.slice(0, 64),
                  until: req.query.until.slice(0, 40),
                })
              : undefined,
          graceHours: KEY_ROTATION_GRACE_MS / 3600_000,
          form: extra.form ?? {},
          error:
            extra.error ??
            (typeof req.query.unknownOrg === 'string'
              ? I18n.t(lang, 'lti.admin.unknownOrg', { code: req.query.unknownOrg })
              : undefined),
        },
      ),
    );
  }

  @Post('platforms/:id/active')
  @UseGuards(CsrfGuard)
  async setActive(
    @Param('id') id: string,
    @Body() body: { active?: string },
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    if (!this.isSystemAdmin(principal)) {
      throw new CoreException(CoreErrorCode.FORBIDDEN, 'System administrators only.');
    }
    await this.platforms.setActive(id, body.active === 'true');
    res.redirect(303, '/lti/admin?saved=1');
  }

  /** Manual registration (system administrators): the admin-page twin of `platform:add`. */
  @Post('platforms')
  @UseGuards(CsrfGuard)
  async add(
    @Req() req: Request,
    @Body()
    body: {
      issuer?: string;
      clientId?: string;
      name?: string;
      authUrl?: string;
      tokenUrl?: string;
      jwksUrl?: string;
      deploymentIds?: string;
    },
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    if (!this.isSystemAdmin(principal)) {
      throw new CoreException(CoreErrorCode.FORBIDDEN, 'System administrators only.');
    }
    const field = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
    const input = {
      issuer: field(body.issuer).replace(/\/+$/, ''),
      clientId: field(body.clientId),
      name: field(body.name),
      authEndpoint: field(body.authUrl),
      tokenEndpoint: field(body.tokenUrl),
      authConfig: { method: 'JWK_SET' as const, key: field(body.jwksUrl) },
      active: true,
      registeredVia: 'manual' as const,
      deploymentIds: field(body.deploymentIds)
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    };
    const problems = PlatformRegistry.problemsOf(input);
    if (problems.length > 0) {
      // 400 with the page again, the fields named, the values kept.
      const lang = negotiateLang(req);
      res.status(400);
      await this.renderWith(req, res, principal, {
        error: I18n.t(lang, 'lti.admin.invalid', {
          problems: problems.map((p) => I18n.t(lang, `lti.admin.field.${p}`)).join(', '),
        }),
        form: body,
      });
      return;
    }
    await this.platforms.register(input);
    res.redirect(303, '/lti/admin?added=1');
  }

  /** New tool key pair for one LMS; the old public key stays published for the grace period. */
  @Post('platforms/:id/rotate')
  @UseGuards(CsrfGuard)
  async rotate(
    @Param('id') id: string,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    if (!this.isSystemAdmin(principal)) {
      throw new CoreException(CoreErrorCode.FORBIDDEN, 'System administrators only.');
    }
    const { oldKid, graceUntil } = await this.platforms.rotateKeys(id);
    res.redirect(
      303,
      `/lti/admin?rotated=${encodeURIComponent(oldKid)}&until=${encodeURIComponent(graceUntil.toISOString())}`,
    );
  }

  @Post('platforms/:id/deployments/bind')
  @UseGuards(CsrfGuard)
  async bind(
    @Param('id') id: string,
    @Body() body: { deploymentId?: string; orgCode?: string },
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    this.assertAdmin(principal);
    const code = (body.orgCode ?? '').trim();
    const node = code ? await this.orgs.findByCode(code) : null;
    if (code && !node) {
      res.redirect(303, `/lti/admin?unknownOrg=${encodeURIComponent(code)}`);
      return;
    }
    if (node) {
      await this.access.assertAccess(principal, node.id, [Role.SCHOOL_ADMIN]);
    } else if (!this.isSystemAdmin(principal)) {
      throw new CoreException(CoreErrorCode.FORBIDDEN, 'System administrators only.');
    }
    await this.platforms.bindDeployment(id, String(body.deploymentId ?? ''), node ? code : null);
    res.redirect(303, '/lti/admin?saved=1');
  }
}

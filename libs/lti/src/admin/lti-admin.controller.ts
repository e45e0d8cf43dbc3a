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
import { LTI_PATHS } from '../lti.constants';
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
          error:
            typeof req.query.unknownOrg === 'string'
              ? I18n.t(lang, 'lti.admin.unknownOrg', { code: req.query.unknownOrg })
              : undefined,
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

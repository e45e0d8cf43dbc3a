import { I18n } from '@lib/core';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { LtiDeploymentEntity } from '../entities/lti.entities';
import { CurrentLaunch, LaunchGuard } from '../launch/launch.guard';
import { LaunchContext, LaunchService } from '../launch/launch.service';
import { ltiViews, LtiExceptionFilter } from '../launch/lti-exception.filter';
import { LTI_PATHS } from '../lti.constants';
import { LtiErrorCode, LtiException } from '../lti.exception';
import { LtijsService } from '../services/ltijs.service';
import { LtiUrls } from '../services/lti-urls.service';
import { PlatformRegistry } from '../services/platform-registry.service';
import { ModuleCatalog } from './module-catalog';

const asList = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  );

/**
 * Deep Linking 2.0: the teacher picks lessons (filter by age band, topic, language, words) and
 * SafeNest returns `ltiResourceLink` items carrying `custom.module_id` and a `lineItem`, signed
 * by ltijs, as a form the browser posts back to the platform.
 */
@Controller('lti/deeplink')
@UseGuards(LaunchGuard)
@UseFilters(LtiExceptionFilter)
export class DeepLinkingController {
  constructor(
    private readonly catalog: ModuleCatalog,
    private readonly launches: LaunchService,
    private readonly platforms: PlatformRegistry,
    private readonly ltijs: LtijsService,
    private readonly urls: LtiUrls,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  private assertDeepLinking(launch: LaunchContext): void {
    if (launch.messageType !== 'LtiDeepLinkingRequest') {
      throw new LtiException(LtiErrorCode.NOT_DEEP_LINKING, 'Not a deep-linking launch.');
    }
  }

  @Get()
  async picker(
    @CurrentLaunch() launch: LaunchContext,
    @Res() res: Response,
    @Query() query: Record<string, string | undefined>,
  ): Promise<void> {
    this.assertDeepLinking(launch);
    const lang = launch.locale;
    const row = await this.launches.launchRow(launch.launchId);
    const multiple =
      row?.deepLinking?.accept_multiple !== false && row?.deepLinking?.accept_multiple !== 'false';
    const filter = {
      band: query.band || undefined,
      topic: query.topic || undefined,
      language: query.language === 'vi' || query.language === 'en' ? query.language : undefined,
      q: query.q?.slice(0, 100) || undefined,
    };
    const modules = this.catalog.list(filter as never).map((m) => ({
      ...m,
      title: m.title[lang],
      summary: m.summary[lang],
      grades: m.grades.join(', '),
    }));
    res.type('html').send(
      ltiViews.page(
        'deeplink-picker',
        {
          title: I18n.t(lang, 'lti.dl.title'),
          lang,
          embedded: true,
          path: `${LTI_PATHS.deepLink}?lt=${encodeURIComponent(this.launches.tokenFor(launch.launchId))}`,
        },
        {
          lt: this.launches.tokenFor(launch.launchId),
          context: launch.contextTitle,
          modules,
          multiple,
          filter,
          bands: this.catalog
            .bands()
            .map((b) => ({ id: b.id, label: b.label[lang], selected: b.id === filter.band })),
          topics: this.catalog.topics().map((t) => ({ id: t, selected: t === filter.topic })),
          languages: ['vi', 'en'].map((l) => ({ id: l, selected: l === filter.language })),
          error: query.error === 'none' ? I18n.t(lang, 'lti.dl.nothingChosen') : undefined,
        },
      ),
    );
  }

  @Post()
  @HttpCode(200)
  async choose(
    @CurrentLaunch() launch: LaunchContext,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    this.assertDeepLinking(launch);
    const lang = launch.locale;
    const row = await this.launches.launchRow(launch.launchId);
    const settings = row?.deepLinking ?? {};
    const chosen = asList(body.module)
      .map((id) => this.catalog.get(id))
      .filter((m): m is NonNullable<typeof m> => Boolean(m));
    if (chosen.length === 0) {
      res.redirect(
        303,
        `${LTI_PATHS.deepLink}?lt=${encodeURIComponent(this.launches.tokenFor(launch.launchId))}&error=none`,
      );
      return;
    }
    const platform = await this.platforms.get(launch.platformId);
    const deployment = await this.dataSource
      .getRepository(LtiDeploymentEntity)
      .findOneByOrFail({ id: row!.deploymentRowId });
    const items = chosen.map((m) => ({
      type: 'ltiResourceLink',
      title: m.title[lang],
      text: m.summary[lang],
      url: this.urls.url(LTI_PATHS.launch),
      custom: { module_id: m.id },
      lineItem: {
        scoreMaximum: m.maxScore || 1,
        label: m.title[lang],
        resourceId: m.id,
        tag: 'safenest',
      },
    }));
    const jwt = await this.ltijs.provider.DeepLinking.createDeepLinkingMessage(
      {
        iss: platform.issuer,
        clientId: platform.clientId,
        deploymentId: deployment.deploymentId,
        platformContext: { deepLinkingSettings: settings },
      },
      items,
      { message: I18n.t(lang, 'lti.dl.title') },
    );
    res.type('html').send(
      ltiViews.page(
        'deeplink-return',
        {
          title: I18n.t(lang, 'lti.dl.returning'),
          lang,
          embedded: true,
          scripts: ['/static/lti-autosubmit.js'],
        },
        { action: String(settings.deep_link_return_url), jwt, count: items.length },
      ),
    );
  }
}

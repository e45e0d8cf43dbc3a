import {
  BandRequirement,
  CampaignsService,
  GRADE_BANDS,
  GradeBand,
  PeriodKind,
} from '@lib/campaigns';
import {
  AccessService,
  CoreErrorCode,
  CoreException,
  CsrfGuard,
  CsrfService,
  CurrentPrincipal,
  findAppRoot,
  I18n,
  Principal,
  Role,
  SessionGuard,
} from '@lib/core';
import {
  CoverageExportService,
  CoverageViewService,
  DeliveryService,
  EnrolmentService,
  ExportFormat,
  ReportsService,
} from '@lib/coverage';
import { OrgImportEntity, OrgImportService, OrgsService, OrgType, SchoolLevel } from '@lib/orgs';
import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import * as path from 'node:path';
import { CoveragePages, PAGE_SIZE } from './coverage-pages';

type Form = Record<string, string | string[] | undefined>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (/^\s*\d+\s*$/.test(str(v)) ? Number(str(v)) : NaN);
/** "3, 4; 5" → [3, 4, 5] (a word that is not a number stays NaN: the service refuses it). */
const list = (v: unknown): number[] =>
  str(v)
    .split(/[,\s;]+/)
    .filter(Boolean)
    .map(Number);

const CHART_JS = path.join(findAppRoot(), 'node_modules/chart.js/dist/chart.umd.min.js');

/**
 * Coverage dashboards for schools, communes, provinces and the ministry; campaign definition;
 * the reporting workflow; offline sessions and enrolment; exports; org imports. Pages work
 * without JavaScript (tables); the chart is a progressive extra.
 */
@Controller()
export class CoverageController {
  private readonly pages = new CoveragePages();

  constructor(
    private readonly coverage: CoverageViewService,
    private readonly campaigns: CampaignsService,
    private readonly reports: ReportsService,
    private readonly deliveries: DeliveryService,
    private readonly enrolment: EnrolmentService,
    private readonly exports: CoverageExportService,
    private readonly orgs: OrgsService,
    private readonly imports: OrgImportService,
    private readonly access: AccessService,
    private readonly csrf: CsrfService,
  ) {}

  /** chart.js from node_modules (no CDN), cached like the other static files. */
  @Get('vendor/chart.umd.js')
  chartJs(@Res() res: Response): void {
    res.type('application/javascript').setHeader('Cache-Control', 'public, max-age=86400');
    res.sendFile(CHART_JS);
  }

  @Get('coverage')
  @UseGuards(SessionGuard)
  async index(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const lang = this.pages.lang(req);
    const roots = await Promise.all(
      this.access.roots(principal, [Role.OFFICIAL, Role.SCHOOL_ADMIN]).map(async (id) => {
        const node = await this.orgs.getById(id);
        const campaigns = await this.coverage.campaignsAt(principal, id);
        const official = await this.access.canAccess(principal, id, [Role.OFFICIAL]);
        return {
          node,
          campaigns,
          canDefine: official && [OrgType.MINISTRY, OrgType.PROVINCE].includes(node.type),
          canImport: official && node.type !== OrgType.SCHOOL && node.type !== OrgType.FACILITY,
        };
      }),
    );
    this.pages.render(req, res, 'index', I18n.t(lang, 'coverage.title'), { roots });
  }

  @Get('coverage/campaigns/:cid/nodes/:nid')
  @UseGuards(SessionGuard)
  async dashboard(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('nid', ParseUUIDPipe) nid: string,
  ): Promise<void> {
    const lang = this.pages.lang(req);
    // The never-reported list is paged in the database; the rows below are all needed for
    // suppression and are paged here.
    const neverAsked = this.pages.asked(req, 'never');
    let view = await this.coverage.view(principal, cid, nid, {
      offset: (neverAsked - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    const neverPager = this.pages.pager(req, 'never', view.neverReportedCount);
    if (neverPager.page !== neverAsked) {
      view = await this.coverage.view(principal, cid, nid, {
        offset: neverPager.offset,
        limit: PAGE_SIZE,
      });
    }
    const t = (k: string): string => I18n.t(lang, k);
    const node = view.node;
    const mayApprove = await this.reports.canApprove(principal, view.campaign, node);
    const maySendBack = await this.reports.canSendBack(principal, view.campaign, node);
    const canAct = mayApprove || maySendBack;
    const isAdmin =
      view.isUnit && (await this.access.canAccess(principal, node.id, [Role.SCHOOL_ADMIN]));
    const parent = node.parentId && node.id !== view.campaign.scopeNodeId ? node.parentId : null;
    const report = view.report;
    const entryOpen = view.isUnit
      ? !(report && ['submitted', 'approved'].includes(report.status)) &&
        (await this.campaigns.entryOpen(view.campaign, node.path))
      : false;
    const bandLabel = (b: string): string =>
      b === 'total' ? t('coverage.col.total') : t(`coverage.band.${b}`);
    const bands = [...view.bands, view.total].map((b) => ({ ...b, label: bandLabel(b.band) }));
    const childPager = this.pages.pager(req, 'page', view.children.length);
    const children = view.children.slice(childPager.offset, childPager.offset + childPager.size);
    const chart = {
      labels: children.length
        ? children.map((c) => c.name)
        : view.bands.map((b) => bandLabel(b.band)),
      series: children.length
        ? [
            { label: t('coverage.col.received'), data: children.map((c) => c.counts.received) },
            { label: t('coverage.col.met'), data: children.map((c) => c.counts.met) },
            { label: t('coverage.col.expected'), data: children.map((c) => c.counts.expected) },
          ]
        : [
            { label: t('coverage.col.enrolled'), data: view.bands.map((b) => b.enrolled) },
            { label: t('coverage.col.reached'), data: view.bands.map((b) => b.reached) },
            { label: t('coverage.col.completed'), data: view.bands.map((b) => b.completed) },
          ],
    };
    const trail = canAct || isAdmin ? await this.reports.trail(cid, node.id) : [];
    const enrolment = isAdmin ? await this.enrolment.ofUnit(node.id) : [];
    const stamp = (d: Date): string => d.toISOString().slice(0, 16).replace('T', ' ');
    this.pages.render(
      req,
      res,
      'dashboard',
      `${node.name} · ${view.campaign.name}`,
      {
        view,
        bands,
        children: children.map((c) => ({
          ...c,
          statusLabel: c.status ? t(`coverage.status.${c.status}`) : '',
          reportLabel: c.reportStatus
            ? t(`coverage.report.${c.reportStatus === 'none' ? 'none' : c.reportStatus}`)
            : '',
        })),
        childPager,
        neverPager,
        statusLabel: view.status ? t(`coverage.status.${view.status}`) : null,
        reportLabel: t(`coverage.report.${report?.status ?? (view.isUnit ? 'none' : 'pending')}`),
        chartJson: JSON.stringify(chart),
        parent,
        canAct,
        canApprove:
          mayApprove &&
          (!report || ['submitted', 'pending', 'returned'].includes(report.status)) &&
          (view.isUnit ? report?.status === 'submitted' : true),
        canSendBack:
          maySendBack &&
          Boolean(
            report &&
            (view.isUnit ? ['submitted', 'approved'] : ['approved']).includes(report.status),
          ),
        isAdmin,
        entryOpen,
        saved: req.query.saved === '1',
        csrf: this.csrf.token(req, res),
        trail: trail.map((a) => ({
          ...a,
          actionLabel: t(`coverage.trail.${a.action}`),
          at: stamp(a.createdAt),
        })),
        bandOptions: GRADE_BANDS.filter(() => view.isUnit).map((b) => ({
          band: b,
          label: bandLabel(b),
          declared: enrolment.find((e) => e.source === 'declared' && e.band === b)?.learners ?? '',
        })),
        sessions: isAdmin ? await this.deliveries.offlineSessions(node.id) : [],
        today: new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10),
        dueAt: view.dueAt.toISOString().slice(0, 10),
        lockAt: view.lockAt.toISOString().slice(0, 10),
        submittedAt: report?.submittedAt ? stamp(report.submittedAt) : null,
      },
      ['/vendor/chart.umd.js', '/static/coverage.js'],
    );
  }

  @Post('coverage/campaigns/:cid/nodes/:nid/:action')
  @UseGuards(SessionGuard, CsrfGuard)
  async act(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('nid', ParseUUIDPipe) nid: string,
    @Param('action') action: string,
    @Body() body: Form,
  ): Promise<void> {
    switch (action) {
      case 'submit':
        await this.reports.submit(principal, cid, nid, str(body.remarks));
        break;
      case 'approve':
        await this.reports.approve(principal, cid, nid);
        break;
      case 'send-back':
        await this.reports.sendBack(principal, cid, nid, str(body.reason));
        break;
      case 'offline':
        await this.deliveries.recordOfflineSession(principal, {
          schoolOrgNodeId: nid,
          heldOn: str(body.heldOn),
          band: str(body.band) as GradeBand,
          grades: list(body.grades),
          moduleId: str(body.moduleId) || null,
          topic: str(body.topic) || null,
          participants: int(body.participants),
          evidenceNote: str(body.evidenceNote),
        });
        break;
      case 'enrolment':
        for (const band of GRADE_BANDS) {
          const v = str(body[`enrolled_${band}`]).trim();
          if (v !== '') {
            await this.enrolment.declare(principal, {
              schoolOrgNodeId: nid,
              band,
              learners: int(v),
            });
          }
        }
        break;
      case 'exception':
        await this.reports.grantException(principal, cid, nid, str(body.until), str(body.reason));
        break;
      default:
        throw new CoreException(CoreErrorCode.NOT_FOUND, 'No such action.');
    }
    this.pages.redirect(req, res, `/coverage/campaigns/${cid}/nodes/${nid}?saved=1`);
  }

  @Get('coverage/campaigns/:cid/nodes/:nid/export.:format')
  @UseGuards(SessionGuard)
  async export(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('cid', ParseUUIDPipe) cid: string,
    @Param('nid', ParseUUIDPipe) nid: string,
    @Param('format') format: string,
  ): Promise<void> {
    if (!['csv', 'xlsx', 'pdf'].includes(format)) {
      throw new CoreException(CoreErrorCode.NOT_FOUND, 'Unknown format.');
    }
    this.pages.download(
      res,
      await this.exports.export(principal, cid, nid, format as ExportFormat, this.pages.lang(req)),
    );
  }

  @Get('coverage/campaigns/new')
  @UseGuards(SessionGuard)
  async newCampaign(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Query('node', ParseUUIDPipe) nodeId: string,
  ): Promise<void> {
    await this.access.assertAccess(principal, nodeId, [Role.OFFICIAL]);
    const lang = this.pages.lang(req);
    const node = await this.orgs.getById(nodeId);
    const t = (k: string): string => I18n.t(lang, k);
    this.pages.render(req, res, 'campaign-new', t('coverage.newCampaign'), {
      node,
      csrf: this.csrf.token(req, res),
      kinds: ['school_year', 'semester', 'custom'].map((k) => ({
        value: k,
        label: t(`coverage.campaign.kind.${k}`),
      })),
      bands: GRADE_BANDS.map((b) => ({ band: b, label: t(`coverage.band.${b}`) })),
    });
  }

  @Post('coverage/campaigns')
  @UseGuards(SessionGuard, CsrfGuard)
  async createCampaign(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Body() body: Form,
  ): Promise<void> {
    const requirements: BandRequirement[] = [];
    for (const band of GRADE_BANDS) {
      const min = str(body[`minModules_${band}`]).trim();
      if (min !== '') {
        requirements.push({
          band,
          minModules: int(min),
          minShare: int(body[`minShare_${band}`]) / 100,
        });
      }
    }
    const types = ([] as string[])
      .concat(body.orgTypes ?? [])
      .filter((v) => v === 'school' || v === 'facility');
    const c = await this.coverage.launch(principal, {
      name: str(body.name),
      scopeNodeId: str(body.scopeNodeId),
      periodKind: str(body.periodKind) as PeriodKind,
      periodStart: str(body.periodStart),
      periodEnd: str(body.periodEnd),
      orgTypes: types as OrgType[],
      levels: ([] as string[]).concat(body.levels ?? []) as SchoolLevel[],
      requirements,
      dueDays: int(body.dueDays),
      lockDays: int(body.lockDays),
      reminderDays: list(body.reminderDays),
    });
    this.pages.redirect(req, res, `/coverage/campaigns/${c.id}/nodes/${c.scopeNodeId}`);
  }

  @Get('coverage/orgs/import')
  @UseGuards(SessionGuard)
  async importForm(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const roots = await this.orgs.getMany(this.access.roots(principal, [Role.OFFICIAL]));
    this.pages.render(req, res, 'import', I18n.t(this.pages.lang(req), 'coverage.import'), {
      roots: roots.filter((r) => r.type !== OrgType.SCHOOL && r.type !== OrgType.FACILITY),
      csrf: this.csrf.token(req, res),
    });
  }

  /** A sample file with the expected columns (the import page links to it). */
  @Get('coverage/orgs/import/sample.csv')
  @UseGuards(SessionGuard)
  importSample(@Res() res: Response): void {
    const rows = [
      ['code', 'name', 'type', 'parent_code', 'levels', 'effective_from'],
      ['79-XA-001', 'Phường Bến Nghé', 'commune', '79', '', '2025-07-01'],
      ['79-TH-001', 'Trường Tiểu học Kim Đồng', 'school', '79-XA-001', 'primary', '2025-07-01'],
      ['79-THPT-001', 'Trường THPT Lê Quý Đôn', 'school', '79', 'upper_secondary', ''],
      ['79-BT-001', 'Cơ sở bảo trợ xã hội Thị Nghè', 'facility', '79-XA-001', '', ''],
    ];
    this.pages.download(res, {
      contentType: 'text/csv; charset=utf-8',
      fileName: 'org-import-sample.csv',
      body: Buffer.from(`\ufeff${stringify(rows)}`, 'utf8'),
    });
  }

  @Post('coverage/orgs/import')
  @UseGuards(SessionGuard)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 20 * 1024 * 1024, files: 1 } }))
  async importUpload(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @Body() body: Form,
  ): Promise<void> {
    // Multipart bodies are parsed after guards run, so the CSRF check happens here.
    if (!this.csrf.verify(req)) {
      throw new CoreException(
        CoreErrorCode.CSRF_FAILED,
        'Form expired or forged (CSRF check failed).',
      );
    }
    const rootNodeId = str(body.rootNodeId);
    await this.access.assertAccess(principal, rootNodeId, [Role.OFFICIAL]);
    if (!file) {
      throw new CoreException(CoreErrorCode.BAD_INPUT, 'Choose a file.', { field: 'file' });
    }
    const row = await this.imports.start({
      rootNodeId,
      fileName: file.originalname,
      content: file.buffer,
      dryRun: body.dryRun === 'on' || body.dryRun === 'true',
      createdBy: principal.accountId,
    });
    this.pages.redirect(req, res, `/coverage/orgs/imports/${row.id}`);
  }

  @Get('coverage/orgs/imports/:id')
  @UseGuards(SessionGuard)
  async importStatus(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const row = await this.importOf(principal, id);
    const lang = this.pages.lang(req);
    const finished = ['invalid', 'valid', 'done', 'failed'].includes(row.status);
    const state = {
      status: row.status,
      statusLabel: I18n.t(lang, `coverage.import.status.${row.status}`),
      total: row.total,
      processed: row.processed,
      percent: row.total ? Math.floor((100 * row.processed) / row.total) : 0,
      finished,
    };
    if (req.query.format === 'json') {
      res.json(state);
      return;
    }
    const pager = this.pages.pager(req, 'page', row.errors.length, 100);
    this.pages.render(
      req,
      res,
      'import-status',
      I18n.t(lang, 'coverage.import'),
      {
        row,
        state,
        pager,
        errors: row.errors.slice(pager.offset, pager.offset + pager.size).map((e) => ({
          ...e,
          reasonLabel: I18n.t(lang, `orgs.import.reason.${e.reason}`),
        })),
        more: Math.max(0, row.errorCount - row.errors.length),
        canConfirm: row.dryRun && row.status === 'valid',
        csrf: this.csrf.token(req, res),
      },
      finished ? [] : ['/static/coverage.js'],
    );
  }

  /** The error report as a file: line, column, reason (in the page's language), value. */
  @Get('coverage/orgs/imports/:id/errors.csv')
  @UseGuards(SessionGuard)
  async importErrors(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const row = await this.importOf(principal, id);
    const lang = this.pages.lang(req);
    const t = (k: string): string => I18n.t(lang, k);
    const rows = [
      [
        t('coverage.import.line'),
        t('coverage.import.column'),
        t('coverage.import.reason'),
        t('coverage.import.value'),
      ],
      ...row.errors.map((e) => [
        String(e.line),
        e.column,
        t(`orgs.import.reason.${e.reason}`),
        e.value ?? '',
      ]),
    ];
    this.pages.download(res, {
      contentType: 'text/csv; charset=utf-8',
      fileName: `import-errors-${row.id.slice(0, 8)}.csv`,
      body: Buffer.from(`\ufeff${stringify(rows)}`, 'utf8'),
    });
  }

  @Post('coverage/orgs/imports/:id/confirm')
  @UseGuards(SessionGuard, CsrfGuard)
  async importConfirm(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.importOf(principal, id);
    await this.imports.confirm(id);
    this.pages.redirect(req, res, `/coverage/orgs/imports/${id}`);
  }

  /** An import, for an official of the node it was made into. */
  private async importOf(principal: Principal, id: string): Promise<OrgImportEntity> {
    const row = await this.imports.get(id);
    await this.access.assertAccess(principal, row.rootNodeId, [Role.OFFICIAL]);
    return row;
  }
}

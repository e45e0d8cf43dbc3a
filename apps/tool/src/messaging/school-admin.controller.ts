import {
  AccessService,
  CoreErrorCode,
  CoreException,
  CsrfGuard,
  CsrfService,
  CurrentPrincipal,
  I18n,
  Lang,
  negotiateLang,
  Principal,
  Role,
  SessionGuard,
} from '@lib/core';
import {
  ClassesService,
  ComposeService,
  MessageRendererService,
  MessagingErrorCode,
  MessagingException,
  ParentImportService,
  SchoolAdminService,
  SchoolSettingsService,
  ThreadsService,
} from '@lib/messaging';
import { OrgsService } from '@lib/orgs';
import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { buildAnnouncement, previewOf } from './compose.helper';
import { formatDateTime, messagingViews as views, meta, str } from './messaging-web.util';

type Form = Record<string, string | undefined>;

/**
 * The school admin's parent channel (local account, SCHOOL_ADMIN at the school or above it):
 * announcements to the school, a grade or a class with a preview, scheduling and urgency;
 * delivery and read counts; quiet hours; the parents import (dry run first); reported threads;
 * the export of everything sent.
 */
@Controller('messaging/admin')
@UseGuards(SessionGuard)
export class SchoolAdminController {
  constructor(
    private readonly access: AccessService,
    private readonly csrf: CsrfService,
    private readonly orgs: OrgsService,
    private readonly admin: SchoolAdminService,
    private readonly compose: ComposeService,
    private readonly renderer: MessageRendererService,
    private readonly classes: ClassesService,
    private readonly settings: SchoolSettingsService,
    private readonly imports: ParentImportService,
    private readonly threads: ThreadsService,
  ) {}

  private async school(
    principal: Principal,
    schoolId: string,
  ): Promise<{ id: string; name: string }> {
    await this.access.assertAccess(principal, schoolId, [Role.SCHOOL_ADMIN]);
    const node = await this.orgs.getById(schoolId);
    return { id: node.id, name: node.name };
  }

  @Get()
  async index(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const roots = this.access.roots(principal, [Role.SCHOOL_ADMIN]);
    const lang = negotiateLang(req);
    if (roots.length === 1) {
      res.redirect(303, `/messaging/admin/schools/${roots[0]}?lang=${lang}`);
      return;
    }
    const schools = [];
    for (const id of roots) {
      schools.push(await this.orgs.getById(id));
    }
    res
      .type('html')
      .send(
        views.page('admin-index', meta(req, lang, I18n.t(lang, 'msgweb.admin.title')), { schools }),
      );
  }

  @Get('schools/:schoolId')
  async dashboard(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
  ): Promise<void> {
    const lang = negotiateLang(req);
    const school = await this.school(principal, schoolId);
    await this.renderDashboard(req, res, lang, school, {});
  }

  private async renderDashboard(
    req: Request,
    res: Response,
    lang: Lang,
    school: { id: string; name: string },
    form: Form,
    error?: string,
  ): Promise<void> {
    const [messages, classes, reports] = await Promise.all([
      this.admin.messages(school.id),
      this.classes.forSchool(school.id),
      this.threads.openReports(school.id),
    ]);
    const stats = await this.admin.stats(messages.map((m) => m.id));
    const grades = [
      ...new Set(classes.map((c) => c.grade).filter((g): g is number => g !== null)),
    ].sort((a, b) => a - b);
    res
      .status(error ? 400 : 200)
      .type('html')
      .send(
        views.page(
          'admin-school',
          meta(req, lang, `${I18n.t(lang, 'msgweb.admin.title')} · ${school.name}`),
          {
            csrf: this.csrf.token(req, res),
            school,
            form,
            error,
            grades,
            classes,
            reports: reports.length,
            messages: messages.map((m) => ({
              id: m.id,
              title:
                this.renderer.titleAndText(m, lang).title ||
                (m.kind === 'thread_post' ? I18n.t(lang, 'msgweb.admin.threadPost') : ''),
              kind: m.kind,
              status: m.status,
              statusText: I18n.t(lang, `msgweb.status.${m.status}`),
              urgent: m.urgent,
              when: formatDateTime(m.scheduledAt ?? m.createdAt, lang),
              stats: stats.get(m.id),
            })),
          },
        ),
      );
  }

  @Post('schools/:schoolId/compose')
  @UseGuards(CsrfGuard)
  async composeMessage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
    @Body() body: Form,
  ): Promise<void> {
    const lang = negotiateLang(req);
    const school = await this.school(principal, schoolId);
    const audienceType =
      body.audience === 'grade' ? 'grade' : body.audience === 'class' ? 'class' : 'school';
    let classId: string | null = null;
    if (audienceType === 'class') {
      const klass = await this.classes.get(str(body.class_id)).catch(() => null);
      if (!klass || klass.schoolOrgNodeId !== school.id) {
        throw new MessagingException(
          MessagingErrorCode.AUDIENCE_INVALID,
          'Class not in this school.',
        );
      }
      classId = klass.classId;
    }
    let input;
    try {
      input = this.compose.validateAnnouncement(
        buildAnnouncement(body, {
          schoolOrgNodeId: school.id,
          audience: {
            type: audienceType,
            grade: audienceType === 'grade' ? Number(body.grade) : null,
            classId,
          },
          author: { type: 'account', id: principal.accountId, name: school.name },
        }),
      );
    } catch (err) {
      if (err instanceof MessagingException) {
        await this.renderDashboard(
          req,
          res,
          lang,
          school,
          body,
          I18n.t(lang, `errors.${err.code}`),
        );
        return;
      }
      throw err;
    }
    if (body.action !== 'send') {
      const preview = await previewOf(input, this.compose, this.renderer);
      res
        .status(200)
        .type('html')
        .send(
          views.page('compose-preview', meta(req, lang, I18n.t(lang, 'msgweb.preview.title')), {
            ...preview,
            csrf: this.csrf.token(req, res),
            action: `/messaging/admin/schools/${school.id}/compose`,
            hidden: { ...body, action: 'send', _csrf: undefined },
            back: `/messaging/admin/schools/${school.id}`,
          }),
        );
      return;
    }
    const message = await this.compose.compose(input);
    res.redirect(303, `/messaging/admin/schools/${school.id}/messages/${message.id}`);
  }

  @Get('schools/:schoolId/messages/:id')
  async messageDetail(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const lang = negotiateLang(req);
    const school = await this.school(principal, schoolId);
    const m = await this.admin.message(school.id, id);
    const stats = (await this.admin.stats([m.id])).get(m.id);
    res.type('html').send(
      views.page('admin-message', meta(req, lang, this.renderer.titleAndText(m, lang).title), {
        csrf: this.csrf.token(req, res),
        school,
        m,
        title: this.renderer.titleAndText(m, lang).title,
        when: formatDateTime(m.scheduledAt ?? m.createdAt, lang),
        stats,
        statuses: Object.entries(stats?.byStatus ?? {}).map(([k, v]) => ({
          label: I18n.t(lang, `msgweb.recipient.${k}`),
          v,
        })),
        channels: Object.entries(stats?.byChannel ?? {}).map(([k, v]) => ({ k, v })),
        cancellable: m.status === 'scheduled',
      }),
    );
  }

  @Post('schools/:schoolId/messages/:id/cancel')
  @UseGuards(CsrfGuard)
  async cancel(
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const school = await this.school(principal, schoolId);
    await this.admin.message(school.id, id);
    await this.compose.cancel(id, { type: 'account', id: principal.accountId });
    res.redirect(303, `/messaging/admin/schools/${school.id}/messages/${id}`);
  }

  @Get('schools/:schoolId/settings')
  async settingsPage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
  ): Promise<void> {
    const lang = negotiateLang(req);
    const school = await this.school(principal, schoolId);
    res.type('html').send(
      views.page('admin-settings', meta(req, lang, I18n.t(lang, 'msgweb.admin.settings')), {
        csrf: this.csrf.token(req, res),
        school,
        settings: await this.settings.get(school.id),
        saved: req.query.saved === '1',
      }),
    );
  }

  @Post('schools/:schoolId/settings')
  @UseGuards(CsrfGuard)
  async saveSettings(
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
    @Body() body: Form,
  ): Promise<void> {
    const school = await this.school(principal, schoolId);
    await this.settings.update(school.id, {
      quietStart: str(body.quiet_start),
      quietEnd: str(body.quiet_end),
      timezone: str(body.timezone) || undefined,
    });
    res.redirect(303, `/messaging/admin/schools/${school.id}/settings?saved=1`);
  }

  @Get('schools/:schoolId/import')
  async importPage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
  ): Promise<void> {
    const lang = negotiateLang(req);
    const school = await this.school(principal, schoolId);
    res.type('html').send(
      views.page('admin-import', meta(req, lang, I18n.t(lang, 'msgweb.import.title')), {
        csrf: this.csrf.token(req, res),
        school,
      }),
    );
  }

  /** Multipart: the CSRF field is only readable after the upload is parsed, so it is checked here. */
  @Post('schools/:schoolId/import')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 5 * 1024 * 1024, files: 1 } }))
  async upload(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
  ): Promise<void> {
    if (!this.csrf.verify(req)) {
      throw new CoreException(CoreErrorCode.CSRF_FAILED, 'CSRF check failed.');
    }
    const school = await this.school(principal, schoolId);
    if (!file) {
      throw new MessagingException(MessagingErrorCode.IMPORT_BAD_FILE, 'No file.');
    }
    const imp = await this.imports.start({
      schoolOrgNodeId: school.id,
      fileName: file.originalname,
      content: file.buffer,
      dryRun: true,
      createdBy: principal.accountId,
    });
    res.redirect(303, `/messaging/admin/schools/${school.id}/import/${imp.id}`);
  }

  @Get('schools/:schoolId/import/:id')
  async importStatus(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const lang = negotiateLang(req);
    const school = await this.school(principal, schoolId);
    const imp = await this.imports.get(id, school.id);
    res.type('html').send(
      views.page('admin-import-status', meta(req, lang, I18n.t(lang, 'msgweb.import.title')), {
        csrf: this.csrf.token(req, res),
        school,
        imp,
        pending: ['queued', 'running'].includes(imp.status),
        summary: I18n.t(lang, `msgweb.import.status.${imp.status}${imp.dryRun ? '' : '.real'}`, {
          total: imp.total,
          created: imp.parentsCreated,
          links: imp.linksCreated,
          errors: imp.errorCount,
        }),
        problems: imp.errors.map((p) => ({
          ...p,
          reasonText: I18n.t(lang, `msgweb.import.reason.${p.reason}`),
        })),
      }),
    );
  }

  @Post('schools/:schoolId/import/:id/confirm')
  @UseGuards(CsrfGuard)
  async confirmImport(
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const school = await this.school(principal, schoolId);
    await this.imports.confirm(id, school.id);
    res.redirect(303, `/messaging/admin/schools/${school.id}/import/${id}`);
  }

  @Get('schools/:schoolId/reports')
  async reports(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
  ): Promise<void> {
    const lang = negotiateLang(req);
    const school = await this.school(principal, schoolId);
    const reports = await this.threads.openReports(school.id);
    const rows = [];
    for (const r of reports) {
      const thread = await this.threads.get(r.threadId);
      rows.push({
        ...r,
        when: formatDateTime(r.createdAt, lang),
        reasonText: I18n.t(lang, `msgweb.reason.${r.reason}`),
        thread,
        posts: (await this.threads.posts(thread.id)).map((p) => ({
          ...p,
          when: formatDateTime(p.createdAt, lang),
        })),
      });
    }
    res.type('html').send(
      views.page('admin-reports', meta(req, lang, I18n.t(lang, 'msgweb.reports.title')), {
        csrf: this.csrf.token(req, res),
        school,
        reports: rows,
      }),
    );
  }

  @Post('schools/:schoolId/reports/:id/resolve')
  @UseGuards(CsrfGuard)
  async resolve(
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const school = await this.school(principal, schoolId);
    await this.threads.resolveReport(id, school.id, principal.accountId);
    res.redirect(303, `/messaging/admin/schools/${school.id}/reports`);
  }

  @Get('schools/:schoolId/export.csv')
  async export(
    @Res() res: Response,
    @CurrentPrincipal() principal: Principal,
    @Param('schoolId', ParseUUIDPipe) schoolId: string,
  ): Promise<void> {
    const school = await this.school(principal, schoolId);
    const csv = await this.admin.exportCsv(school.id);
    res
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', 'attachment; filename="parent-messages.csv"')
      .send(`\uFEFF${csv}`);
  }
}

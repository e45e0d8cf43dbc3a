import {
  CoreErrorCode,
  CoreException,
  CsrfGuard,
  CsrfService,
  findAppRoot,
  I18n,
  isLang,
  Lang,
  negotiateLang,
  RateLimit,
  Views,
} from '@lib/core';
import {
  AgeBand,
  bandOfModule,
  ConcernReportsService,
  ConcernSource,
  HelpContext,
  HelpContextSealer,
  HelpLaunchResolver,
  LIMITS,
  parseConcernInput,
  ReporterRelation,
  SchoolDirectory,
  toneOfBand,
  formatVnDateTime,
  FieldProblem,
  HELP_FORM_LIMIT,
  looksLikeImageData,
  ReportFloodLimiter,
  ReporterStatus,
} from '@lib/safeguarding';
import {
  Body,
  Controller,
  Get,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { HelpErrorFilter } from './help-error.filter';
import { helpFormModel, tonedText } from './help-view.util';
import { NoUploadGuard } from './no-upload.guard';
import './safeguarding-pages.messages';

type Form = Record<string, unknown>;

interface FormTarget {
  school: { id: string; name: string };
  /** Sealed launch context (pupil from the player) or null (public form). */
  sealed: string | null;
  ctx: HelpContext | null;
  band: AgeBand | null;
  lt?: string;
  backHref?: string;
}

/**
 * "I need help": the public concern form. Reached from every lesson page (`/help?lt=<launch
 * token>`: the school, the pupil and the age band come from the launch) and from the parent
 * portal or anywhere else signed out (`/help`: the school is chosen by code or name). Works
 * without JavaScript; shows how to get help now on every page, errors included.
 */
@Controller('help')
@UseFilters(HelpErrorFilter)
export class HelpController {
  private readonly views = new Views(
    path.join(findAppRoot(), 'apps/tool/src/safeguarding/templates'),
  );

  constructor(
    private readonly reports: ConcernReportsService,
    private readonly launches: HelpLaunchResolver,
    private readonly sealer: HelpContextSealer,
    private readonly schools: SchoolDirectory,
    private readonly csrf: CsrfService,
    private readonly flood: ReportFloodLimiter,
  ) {}

  @Get()
  async form(
    @Req() req: Request,
    @Res() res: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const target = await this.targetFromQuery(query);
    const lang = this.langFor(req, target?.ctx ?? null);
    if (!target) {
      return this.chooseSchool(req, res, lang, query);
    }
    this.renderForm(req, res, lang, target, {}, [], 200);
  }

  /**
   * Sends a report. Nothing a reporter typed is ever thrown away: an expired form (CSRF) or the
   * flood limit gives the same form back, filled in, with what to do — a child who took long to
   * write, or a class sharing one address, must not have to start again.
   */
  @Post()
  @UseGuards(NoUploadGuard)
  async submit(@Req() req: Request, @Res() res: Response, @Body() body: Form): Promise<void> {
    const ctx = this.sealer.open(body.ctx);
    const target = ctx
      ? await this.targetFromContext(ctx, body.ctx as string, body.lt)
      : await this.targetFromSchoolId(body.school);
    const lang = this.langFor(req, ctx);
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    // A pupil is counted by their pseudonymous id, not by the school's shared address.
    const wait = await this.flood.consume(
      HELP_FORM_LIMIT,
      ctx ? `pupil:${ctx.userId}` : `ip:${req.ip ?? 'unknown'}`,
    );
    if (wait !== null) {
      res.setHeader('Retry-After', String(wait));
      if (!target || !wantsHtml) {
        throw new CoreException(
          CoreErrorCode.RATE_LIMITED,
          'Too many requests; try again shortly.',
          {
            retryAfterSeconds: wait,
          },
        );
      }
      const minutes = Math.max(1, Math.ceil(wait / 60));
      return this.renderForm(req, res, lang, target, keptValues(body), [], 429, {
        notice: I18n.t(lang, 'sgp.notice.flood', { minutes }),
      });
    }
    if (!this.csrf.verify(req)) {
      if (!target || !wantsHtml) {
        throw new CoreException(
          CoreErrorCode.CSRF_FAILED,
          'Form expired or forged (CSRF check failed).',
        );
      }
      return this.renderForm(req, res, lang, target, keptValues(body), [], 403, {
        notice: I18n.t(lang, 'sgp.notice.expired'),
      });
    }
    if (!target) {
      return this.chooseSchool(req, res, lang, {});
    }
    const fromPlayer = Boolean(ctx);
    const { input, problems } = parseConcernInput(body, {
      allowAtSchool: fromPlayer,
      defaultRelation: fromPlayer ? ReporterRelation.SELF : ReporterRelation.OTHER,
    });
    if (!input) {
      // Never echo pasted picture data back into the page.
      const kept = { ...body };
      for (const p of problems.filter((x) => x.reason === 'image_data')) {
        kept[p.field] = '';
      }
      return this.renderForm(req, res, lang, target, kept, problems, 400);
    }
    const submission = typeof body.submission === 'string' ? body.submission.slice(0, 64) : '';
    const created = await this.reports.create({
      source: fromPlayer ? ConcernSource.PLAYER : ConcernSource.WEB,
      schoolOrgNodeId: target.school.id,
      input,
      lang,
      ageBand: target.band,
      learner: ctx ? { userId: ctx.userId, displayName: ctx.displayName } : null,
      idempotencyKey: submission ? `web:${submission}` : undefined,
    });
    const tone = toneOfBand(target.band);
    res
      .status(created.duplicate ? 200 : 201)
      .type('html')
      .send(
        this.views.page('help-sent', this.meta(lang, tone, target, req), {
          reference: created.reference,
          title: tonedText(lang, tone, 'sgp.sent.title'),
          body: tonedText(lang, tone, 'sgp.sent.body'),
          // In danger now: the help lines come first, before anything else on the page.
          danger: input.imminentDanger ? tonedText(lang, tone, 'sgp.sent.danger') : null,
          tone,
          again: this.formHref(target, lang),
          lt: target.lt,
          backHref: target.backHref,
        }),
      );
  }

  @Get('status')
  status(@Req() req: Request, @Res() res: Response): void {
    const lang = negotiateLang(req);
    res.type('html').send(
      this.views.page('help-status', this.meta(lang, 'adult', null, req), {
        csrf: this.csrf.token(req, res),
      }),
    );
  }

  @Post('status')
  @UseGuards(NoUploadGuard, CsrfGuard)
  @RateLimit({ name: 'sg-help-status', points: 20, durationSeconds: 600 })
  async statusLookup(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { code?: string },
  ): Promise<void> {
    const status = await this.reports.statusByReference(body.code);
    this.sendStatus(req, res, body.code, status ? 200 : 404, status);
  }

  /** The reporter takes back their contact details (needs the code, like the status). */
  @Post('status/forget-contact')
  @UseGuards(NoUploadGuard, CsrfGuard)
  @RateLimit({ name: 'sg-help-status', points: 20, durationSeconds: 600 })
  async forgetContact(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { code?: string },
  ): Promise<void> {
    const done = await this.reports.withdrawContact(body.code);
    const status = done ? await this.reports.statusByReference(body.code) : null;
    this.sendStatus(req, res, body.code, done ? 200 : 404, status, { forgotten: done });
  }

  // ---------------------------------------------------------------------------------------

  /** The status page after a look-up by reference code (found or not). */
  private sendStatus(
    req: Request,
    res: Response,
    code: unknown,
    httpStatus: number,
    status: ReporterStatus | null,
    extra: Record<string, unknown> = {},
  ): void {
    const lang = negotiateLang(req);
    res
      .status(httpStatus)
      .type('html')
      .send(
        this.views.page('help-status', this.meta(lang, 'adult', null, req), {
          csrf: this.csrf.token(req, res),
          code: typeof code === 'string' ? code.slice(0, 20) : '',
          looked: true,
          ...extra,
          status: status && {
            state: I18n.t(lang, `sg.state.${status.state}`),
            explain: I18n.t(lang, `sgp.status.${status.state}`),
            receivedAt: formatVnDateTime(status.receivedAt),
            outcome: status.outcome,
            hasContact: status.hasContact,
          },
        }),
      );
  }

  private async targetFromQuery(q: Record<string, unknown>): Promise<FormTarget | null> {
    if (typeof q.lt === 'string' && q.lt) {
      const launch = await this.launches.resolve(q.lt).catch(() => null);
      if (launch?.schoolOrgNodeId && !launch.learner) {
        // A teacher or school admin from their dashboard: the adult form of their school.
        return this.targetFromSchoolId(launch.schoolOrgNodeId);
      }
      if (launch?.schoolOrgNodeId) {
        const ctx: HelpContext = {
          schoolOrgNodeId: launch.schoolOrgNodeId,
          band: bandOfModule(launch.moduleId),
          userId: launch.userId,
          displayName: launch.displayName,
          lang: launch.locale,
          moduleId: launch.moduleId,
        };
        return this.targetFromContext(ctx, this.sealer.seal(ctx), q.lt);
      }
    }
    return this.targetFromSchoolId(q.school);
  }

  private async targetFromContext(
    ctx: HelpContext,
    sealed: string,
    lt: unknown,
  ): Promise<FormTarget | null> {
    const school = await this.reports.schoolFor({ id: ctx.schoolOrgNodeId }).catch(() => null);
    if (!school) {
      return null;
    }
    const token = typeof lt === 'string' && lt.length < 300 ? lt : undefined;
    return {
      school: { id: school.id, name: school.name },
      sealed,
      ctx,
      band: ctx.band,
      lt: token,
      // Back to the lesson: from the form, after an error, and after sending.
      backHref:
        token && ctx.moduleId
          ? `/play/${encodeURIComponent(ctx.moduleId)}?lt=${encodeURIComponent(token)}`
          : undefined,
    };
  }

  private async targetFromSchoolId(id: unknown): Promise<FormTarget | null> {
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) {
      return null;
    }
    const school = await this.reports.schoolFor({ id }).catch(() => null);
    return school
      ? { school: { id: school.id, name: school.name }, sealed: null, ctx: null, band: null }
      : null;
  }

  private async chooseSchool(
    req: Request,
    res: Response,
    lang: Lang,
    q: Record<string, unknown>,
  ): Promise<void> {
    const code = typeof q.code === 'string' ? q.code.trim().slice(0, 64) : '';
    const search = typeof q.q === 'string' ? q.q.trim().slice(0, 100) : '';
    if (code) {
      const school = await this.schools.byCode(code);
      if (school) {
        res.redirect(303, `/help?school=${school.id}&lang=${lang}`);
        return;
      }
    }
    const results = search ? await this.schools.search(search) : [];
    res
      .status(code ? 404 : 200)
      .type('html')
      .send(
        this.views.page('help-school', this.meta(lang, 'adult', null, req), {
          code,
          search,
          unknownCode: Boolean(code),
          searched: Boolean(search),
          results,
          txt: {
            title: tonedText(lang, 'adult', 'sgp.title'),
            intro: tonedText(lang, 'adult', 'sgp.intro'),
          },
        }),
      );
  }

  private renderForm(
    req: Request,
    res: Response,
    lang: Lang,
    target: FormTarget,
    values: Form,
    problems: FieldProblem[],
    status: number,
    extra: { notice?: string } = {},
  ): void {
    const tone = toneOfBand(target.band);
    res
      .status(status)
      .type('html')
      .send(
        this.views.page('help-form', this.meta(lang, tone, target, req), {
          ...helpFormModel(lang, tone, {
            fromPlayer: Boolean(target.ctx),
            values,
            problems,
            launchName: target.ctx?.displayName,
            maxDescription: LIMITS.description,
          }),
          school: target.school,
          sealed: target.sealed,
          lt: target.lt,
          backHref: target.backHref,
          csrf: this.csrf.token(req, res),
          submission:
            typeof values.submission === 'string' && /^[0-9a-f-]{36}$/.test(values.submission)
              ? values.submission
              : randomUUID(),
          changeSchool: target.ctx ? null : `/help?lang=${lang}`,
          limits: LIMITS,
          notice: extra.notice,
        }),
      );
  }

  private meta(lang: Lang, tone: string, target: FormTarget | null, req: Request) {
    return {
      title: tonedText(lang, tone as 'adult', 'sgp.title'),
      lang,
      path: req.originalUrl,
      // Inside the LMS iframe: no site header, like the lesson player.
      embedded: Boolean(target?.ctx),
      bodyClass: `sg-help sg-${tone}`,
      styles: ['/static/safeguarding.css'],
    };
  }

  private formHref(target: FormTarget, lang: Lang): string {
    return target.lt
      ? `/help?lt=${encodeURIComponent(target.lt)}&lang=${lang}`
      : `/help?school=${target.school.id}&lang=${lang}`;
  }

  /** `?lang=` wins; else the launch's locale; else the browser's. */
  private langFor(req: Request, ctx: HelpContext | null): Lang {
    if (isLang(req.query?.lang)) {
      return req.query.lang;
    }
    return ctx?.lang ?? negotiateLang(req);
  }
}

/** What the reporter typed, to put back into the form (never pasted picture data). */
function keptValues(body: Form): Form {
  const kept: Form = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf' || k === 'ctx' || typeof v !== 'string') {
      continue;
    }
    kept[k] = looksLikeImageData(v) ? '' : v.slice(0, 5000);
  }
  return kept;
}

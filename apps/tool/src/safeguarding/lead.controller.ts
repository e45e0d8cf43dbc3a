import {
  AuthService,
  CsrfGuard,
  CsrfService,
  findAppRoot,
  I18n,
  Lang,
  negotiateLang,
  Principal,
  Role,
  SESSION_COOKIE,
  Views,
} from '@lib/core';
import {
  ConcernIndicatorsService,
  ConcernReportsService,
  ConcernState,
  ConcernSummary,
  ConcernAuditService,
  ContactMethod,
  formatVnDateTime,
  minutesUntil,
  QUEUE_PAGE_SIZE,
  ReferralTarget,
  SafeguardingClock,
  STATE_ORDER,
} from '@lib/safeguarding';
import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as path from 'node:path';
import { durationText } from './help-view.util';
import { NoUploadGuard } from './no-upload.guard';
import './safeguarding-pages.messages';

/**
 * The safeguarding lead's pages: the queue with SLA timers, one report (reading it is audited),
 * moving it forward, notes, erasure, and the aggregate indicators. Forms post back and
 * redirect, so everything works without JavaScript.
 */
@Controller('safeguarding')
export class LeadController {
  private readonly views = new Views(
    path.join(findAppRoot(), 'apps/tool/src/safeguarding/templates'),
  );

  constructor(
    private readonly auth: AuthService,
    private readonly csrf: CsrfService,
    private readonly reports: ConcernReportsService,
    private readonly audit: ConcernAuditService,
    private readonly indicators: ConcernIndicatorsService,
    private readonly clock: SafeguardingClock,
  ) {}

  @Get()
  async queue(
    @Req() req: Request,
    @Res() res: Response,
    @Query('closed') closed?: string,
    @Query('page') pageParam?: string,
  ): Promise<void> {
    const principal = await this.principal(req, res);
    if (!principal) {
      return;
    }
    const lang = negotiateLang(req);
    const includeClosed = closed === '1';
    const wanted = /^\d{1,6}$/.test(pageParam ?? '') ? Number(pageParam) : 1;
    const page = Math.max(wanted, 1);
    const result = await this.reports.queueFor(principal, {
      includeClosed,
      offset: (page - 1) * QUEUE_PAGE_SIZE,
      limit: QUEUE_PAGE_SIZE,
    });
    const pages = Math.max(1, Math.ceil(result.total / QUEUE_PAGE_SIZE));
    const href = (p: number): string =>
      `/safeguarding?${includeClosed ? 'closed=1&' : ''}page=${p}&lang=${lang}`;
    const now = this.clock.now();
    res.type('html').send(
      this.views.page('queue', this.meta(lang, 'sgp.queue.title', req), {
        includeClosed,
        rows: result.items.map((r) => this.row(lang, r, now)),
        total: result.total,
        pager:
          pages > 1
            ? {
                label: I18n.t(lang, 'sgp.queue.page', { page, pages, total: result.total }),
                prev: page > 1 ? href(Math.min(page - 1, pages)) : null,
                next: page < pages ? href(page + 1) : null,
              }
            : null,
        beyond: result.items.length === 0 && result.total > 0 ? href(pages) : null,
        roots: principal.bindings.filter((b) => b.role === Role.SAFEGUARDING_LEAD),
      }),
    );
  }

  @Get('reports/:id')
  async report(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const principal = await this.principal(req, res);
    if (!principal) {
      return;
    }
    const lang = negotiateLang(req);
    const view = await this.reports.open(principal, id);
    const trail = await this.audit.forReport(id);
    const at = STATE_ORDER.indexOf(view.state);
    const can = (s: ConcernState): boolean => STATE_ORDER.indexOf(s) > at;
    res.type('html').send(
      this.views.page('report', this.meta(lang, 'sgp.report.title', req), {
        r: {
          ...this.row(lang, view, this.clock.now()),
          details: view.details && {
            ...view.details,
            relation: I18n.t(lang, `sg.relation.${view.details.relation}`),
            when: I18n.has(lang, `sgp.when.${view.details.when}`)
              ? I18n.t(lang, `sgp.when.${view.details.when}`)
              : view.details.when,
          },
          contactMethod: I18n.t(lang, `sg.contact.${view.contactMethod}`),
          contact: view.contact,
          outcome: view.outcome,
          outcomeSent: view.outcomeNotifiedAt ? formatVnDateTime(view.outcomeNotifiedAt) : null,
          notes: view.notes.map((n) => ({ ...n, at: formatVnDateTime(n.createdAt) })),
          source: I18n.t(lang, `sg.source.${view.source}`),
          canEmail: view.contactMethod === ContactMethod.EMAIL,
        },
        actions: view.erased
          ? null
          : {
              acknowledge: view.state === ConcernState.NEW,
              start: can(ConcernState.IN_PROGRESS),
              refer: can(ConcernState.REFERRED),
              close: can(ConcernState.CLOSED),
              handOff: view.state !== ConcernState.CLOSED,
              erase: view.state === ConcernState.CLOSED,
            },
        referrals: Object.values(ReferralTarget).map((v) => ({
          value: v,
          label: I18n.t(lang, `sg.referral.${v}`),
        })),
        outcomeHint: I18n.t(lang, 'sgp.report.outcomeHint', {
          email:
            view.contactMethod === ContactMethod.EMAIL
              ? I18n.t(lang, 'sgp.report.outcomeEmail')
              : '',
        }),
        trail: trail.map((e) => ({
          seq: e.seq,
          who: `${I18n.t(lang, `sgp.actor.${e.actorKind}`)}${e.actorId ? ` ${e.actorId.slice(0, 8)}` : ''}`,
          mine: e.actorId === principal.accountId,
          what: I18n.t(lang, `sg.audit.${e.action}`),
          details: e.details === '{}' ? '' : e.details,
          at: formatVnDateTime(e.at),
        })),
        csrf: this.csrf.token(req, res),
      }),
    );
  }

  @Post('reports/:id/move')
  @UseGuards(NoUploadGuard, CsrfGuard)
  async move(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: Record<string, string | undefined>,
  ): Promise<void> {
    const principal = await this.principal(req, res);
    if (!principal) {
      return;
    }
    const to = body.to as ConcernState;
    await this.reports.transition(principal, id, {
      to: Object.values(ConcernState).includes(to) ? to : ConcernState.NEW,
      referredTo: Object.values(ReferralTarget).includes(body.referredTo as ReferralTarget)
        ? (body.referredTo as ReferralTarget)
        : null,
      note: body.note,
      outcome: body.outcome,
      notifyReporter: body.notifyReporter === 'yes',
    });
    res.redirect(303, `/safeguarding/reports/${id}?lang=${negotiateLang(req)}`);
  }

  @Post('reports/:id/note')
  @UseGuards(NoUploadGuard, CsrfGuard)
  async note(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: { note?: string },
  ): Promise<void> {
    const principal = await this.principal(req, res);
    if (!principal) {
      return;
    }
    await this.reports.addNote(principal, id, String(body.note ?? ''));
    res.redirect(303, `/safeguarding/reports/${id}?lang=${negotiateLang(req)}#notes`);
  }

  @Post('reports/:id/hand-off')
  @UseGuards(NoUploadGuard, CsrfGuard)
  async handOff(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Body() body: { note?: string },
  ): Promise<void> {
    const principal = await this.principal(req, res);
    if (!principal) {
      return;
    }
    await this.reports.handOff(principal, id, typeof body.note === 'string' ? body.note : '');
    res.redirect(303, `/safeguarding/reports/${id}?lang=${negotiateLang(req)}`);
  }

  @Post('reports/:id/erase')
  @UseGuards(NoUploadGuard, CsrfGuard)
  async erase(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const principal = await this.principal(req, res);
    if (!principal) {
      return;
    }
    await this.reports.eraseOnRequest(principal, id);
    res.redirect(303, `/safeguarding/reports/${id}?lang=${negotiateLang(req)}`);
  }

  @Get('indicators')
  async indicatorsPage(
    @Req() req: Request,
    @Res() res: Response,
    @Query('org') org?: string,
  ): Promise<void> {
    const principal = await this.principal(req, res);
    if (!principal) {
      return;
    }
    const lang = negotiateLang(req);
    const orgNodeId = org ?? principal.bindings[0]?.orgNodeId ?? '';
    const ind = await this.indicators.forNode(principal, orgNodeId);
    const cell = (v: number | null): string =>
      v === null ? I18n.t(lang, 'sgp.ind.hidden') : String(v);
    const line = (r: (typeof ind.rows)[number]) => ({
      ...r,
      reports: cell(r.reports),
      handledInTime: cell(r.handledInTime),
      referred: cell(r.referred),
      rate: r.handledInTimeRate ?? '—',
    });
    res.type('html').send(
      this.views.page('indicators', this.meta(lang, 'sgp.ind.title', req), {
        ind,
        rows: ind.rows.map(line),
        total: line(ind.total),
        period: I18n.t(lang, 'sgp.ind.period', {
          from: ind.from.toISOString().slice(0, 10),
          to: ind.to.toISOString().slice(0, 10),
        }),
        intro: I18n.t(lang, 'sgp.ind.intro', { threshold: ind.threshold }),
      }),
    );
  }

  // ---------------------------------------------------------------------------------------

  /** The signed-in principal, or a redirect to the sign-in form (and null). */
  private async principal(req: Request, res: Response): Promise<Principal | null> {
    const principal = await this.auth.principalFor(
      (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE],
    );
    if (!principal) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl.split('#')[0])}`);
      return null;
    }
    return principal;
  }

  private meta(lang: Lang, titleKey: string, req: Request) {
    return {
      title: I18n.t(lang, titleKey),
      lang,
      path: req.originalUrl,
      bodyClass: 'sg-lead',
      styles: ['/static/safeguarding.css'],
    };
  }

  private row(lang: Lang, r: ConcernSummary, now: Date) {
    const left = minutesUntil(r.dueAt, now);
    const waiting = r.state === ConcernState.NEW;
    return {
      ...r,
      shortId: r.id.slice(0, 8),
      categoryLabel: I18n.t(lang, `sg.category.${r.category}`),
      stateLabel: I18n.t(lang, `sg.state.${r.state}`),
      referredLabel: r.referredTo ? I18n.t(lang, `sg.referral.${r.referredTo}`) : null,
      received: formatVnDateTime(r.receivedAt),
      due: formatVnDateTime(r.dueAt),
      urgent: r.imminentDanger && waiting,
      timer: waiting
        ? I18n.t(lang, left < 0 ? 'sgp.timer.overdue' : 'sgp.timer.left', {
            time: durationText(lang, left),
          })
        : I18n.t(lang, 'sgp.timer.done'),
      escalatedLabel:
        r.escalationLevel > 0
          ? I18n.t(lang, 'sgp.queue.escalated', { level: r.escalationLevel })
          : null,
    };
  }
}

import { findAppRoot, I18n, Lang, Views } from '@lib/core';
import {
  AttemptsService,
  CatalogService,
  CurriculaErrorCode,
  CurriculaException,
  DEFAULT_ATTEMPT_POLICY,
  describeAnswerKey,
  LearnerModuleProgress,
  linkKeyOf,
  masteryDistribution,
  type CurriculumModule,
} from '@lib/curricula';
import {
  CurrentLaunch,
  GradePassbackService,
  LaunchContext,
  LaunchGuard,
  launchTokenOf,
  RosterMember,
  RosterService,
} from '@lib/lti';
import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import * as path from 'node:path';
import { playerLang, playerQuery } from '../player/player.controller';
import { gainByBand, safeCell } from './teach-view.util';
import './teach.messages';

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

type Tab = 'progress' | 'items' | 'gain' | 'guide' | 'family-note' | 'deliveries';
const TABS: Array<{ id: Tab; key: string; path: string }> = [
  { id: 'progress', key: 'teach.tab.progress', path: '/teach/class' },
  { id: 'items', key: 'teach.tab.items', path: '/teach/class/items' },
  { id: 'gain', key: 'teach.tab.gain', path: '/teach/class/gain' },
  { id: 'guide', key: 'teach.tab.guide', path: '/teach/class/guide' },
  { id: 'family-note', key: 'teach.tab.familyNote', path: '/teach/class/family-note' },
  { id: 'deliveries', key: 'teach.tab.deliveries', path: '/teach/class/deliveries' },
];

interface Ctx {
  lt: string;
  lang: Lang;
  q: string;
  contextId: string;
}

interface ClassData {
  learners: Array<{ userId: string; name: string }>;
  modules: CurriculumModule[];
  progress: LearnerModuleProgress[];
}

/**
 * The teacher's view of a class, opened from the LMS (Instructor launch → /teach/class?lt=):
 * progress per pupil and module (roster × attempts), item analysis with the misconception
 * each common wrong answer signals, learning gain from the band checks, the family note,
 * a CSV export, and the grade deliveries with a retry. The school view (/teach/school) is for
 * an LMS administrator and shows aggregates only.
 */
@Controller('teach')
@UseGuards(LaunchGuard)
export class TeachController {
  private readonly views = new Views(path.join(findAppRoot(), 'apps/tool/src/teach/templates'));

  constructor(
    private readonly attempts: AttemptsService,
    private readonly catalog: CatalogService,
    private readonly roster: RosterService,
    private readonly grades: GradePassbackService,
  ) {}

  @Get('class')
  async progress(
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    const data = await this.classData(launch, ctx);
    const rows = data.learners.map((learner) => ({
      name: learner.name,
      cells: data.modules.map((module) => {
        const p = data.progress.find(
          (e) => e.userId === learner.userId && e.moduleId === module.id,
        );
        return this.cell(p, ctx.lang);
      }),
    }));
    const totals = data.modules.map((module) => {
      const own = data.progress.filter(
        (e) => e.moduleId === module.id && data.learners.some((l) => l.userId === e.userId),
      );
      return {
        title: module.title[ctx.lang],
        summary: I18n.t(ctx.lang, 'teach.progress.summary', {
          started: own.length,
          total: data.learners.length,
          completed: own.filter((e) => e.attempts > 0).length,
          passed: own.filter((e) => e.passed).length,
        }),
      };
    });
    const deliveries = await this.grades.listForContext(ctx.contextId);
    // An empty list says why: the first sync after a teacher's launch is still running (the
    // page offers a reload), the LMS shares no class list, or it lists nobody.
    const roster = rows.length === 0 ? await this.roster.state(ctx.contextId) : null;
    const policy = launch.resourceLinkId
      ? await this.attempts.policy(linkKeyOf('module', launch))
      : null;
    this.send(res, req, ctx, launch, 'progress', 'class-progress', {
      modules: data.modules.map((m) => ({ id: m.id, title: m.title[ctx.lang] })),
      rows,
      totals,
      failed: deliveries.filter((d) => d.status === 'failed').length,
      noLearners: roster ? `teach.progress.noLearners.${roster}` : null,
      reloadHref: roster === 'pending' ? req.originalUrl : null,
      policy: policy
        ? {
            ...policy,
            options: [0, 1, 2, 3, 5, 10].map((n) => ({
              value: n,
              label: n === 0 ? I18n.t(ctx.lang, 'teach.policy.unlimited') : String(n),
              selected: n === policy.maxAttempts,
            })),
            best: policy.scorePolicy === 'best',
          }
        : null,
      saved: req.query.saved === '1',
      exportHref: `/teach/class/export.csv?${ctx.q}`,
    });
  }

  @Get('class/items')
  async items(
    @CurrentLaunch() launch: LaunchContext,
    @Query('module') moduleParam: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    const data = await this.classData(launch, ctx);
    const module = data.modules.find((m) => m.id === moduleParam) ?? data.modules[0];
    let items: Array<Record<string, unknown>> = [];
    let responses = 0;
    let mastery: Array<Record<string, unknown>> = [];
    if (module) {
      const stats = await this.attempts.itemAnalysis(ctx.contextId, module.id, module.version);
      responses = Math.max(0, ...stats.map((s) => s.responses));
      items = module.assessment.items.map((item, i) => {
        const s = stats.find((x) => x.itemId === item.id);
        const top = s?.wrongAnswers[0];
        const described = top ? describeAnswerKey(item, top.answerKey, ctx.lang) : null;
        return {
          number: i + 1,
          prompt: item.prompt[ctx.lang],
          type: I18n.t(ctx.lang, `teach.type.${item.type}`),
          objective:
            module.objectives.find((o) => o.id === item.objective)?.text[ctx.lang] ??
            item.objective,
          percent:
            s?.correctShare === null || s?.correctShare === undefined
              ? null
              : Math.round(s.correctShare * 1000) / 10,
          correct: s?.correct ?? 0,
          responses: s?.responses ?? 0,
          unanswered: s ? s.responses - s.answered : 0,
          wrong:
            described && top
              ? { text: described.text, count: top.count, misconception: described.misconception }
              : null,
        };
      });
      const levels = masteryDistribution(
        data.progress.filter((p) => p.moduleId === module.id && p.attempts > 0),
      );
      mastery = module.objectives.map((o) => {
        const counts = levels.get(o.id) ?? {
          secure: 0,
          developing: 0,
          emerging: 0,
          misconception: 0,
        };
        return { text: o.text[ctx.lang], ...counts };
      });
    }
    this.send(res, req, ctx, launch, 'items', 'class-items', {
      modules: data.modules.map((m) => ({
        id: m.id,
        title: m.title[ctx.lang],
        href: `/teach/class/items?${ctx.q}&module=${encodeURIComponent(m.id)}`,
        current: m.id === module?.id,
      })),
      module: module ? { id: module.id, title: module.title[ctx.lang] } : null,
      items,
      responses,
      mastery,
    });
  }

  @Get('class/gain')
  async gain(
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    const [scores, members] = await Promise.all([
      this.attempts.checkScores(ctx.contextId),
      this.roster.members(ctx.contextId),
    ]);
    const names = new Map(members.map((m) => [m.userId, m.displayName]));
    const bandTitle = (band: string): string =>
      this.catalog.bands().find((b) => b.id === band)?.title[ctx.lang] ?? band;
    const bands = gainByBand(scores).map((g) => ({
      ...g,
      title: bandTitle(g.band),
      rows: scores
        .filter((s) => s.band === g.band)
        .map((s) => ({
          name: names.get(s.userId) || I18n.t(ctx.lang, 'teach.progress.unknown'),
          pre: s.pre,
          post: s.post,
          gain: s.pre !== null && s.post !== null ? Math.round((s.post - s.pre) * 10) / 10 : null,
        }))
        .sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    }));
    this.send(res, req, ctx, launch, 'gain', 'class-gain', { bands });
  }

  /** The module's teacher guide: objectives, the timed 35–45-minute plan and the 15-minute version. */
  @Get('class/guide')
  async guide(
    @CurrentLaunch() launch: LaunchContext,
    @Query('module') moduleParam: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    const { module, modules } = this.modulePicker(
      await this.classData(launch, ctx),
      ctx,
      'guide',
      moduleParam,
    );
    const guide = module ? this.catalog.renderTeacherGuide(module.id, ctx.lang) : null;
    this.send(res, req, ctx, launch, 'guide', 'class-guide', {
      modules,
      html: guide ? this.guideHtml(guide.html, ctx.lang) : null,
    });
  }

  @Get('class/family-note')
  async familyNote(
    @CurrentLaunch() launch: LaunchContext,
    @Query('module') moduleParam: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    const { module, modules } = this.modulePicker(
      await this.classData(launch, ctx),
      ctx,
      'family-note',
      moduleParam,
    );
    const note = module ? this.catalog.renderFamilyNote(module.id, ctx.lang) : null;
    this.send(res, req, ctx, launch, 'family-note', 'class-family-note', {
      modules,
      note,
      moduleId: module?.id ?? '',
    });
  }

  @Get('class/deliveries')
  async deliveries(
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    const rows = await this.grades.listForContext(ctx.contextId);
    this.send(res, req, ctx, launch, 'deliveries', 'class-deliveries', {
      rows: rows.map((d) => ({
        id: d.id,
        name: d.displayName || I18n.t(ctx.lang, 'teach.progress.unknown'),
        module: d.moduleId ? (this.catalog.find(d.moduleId)?.title[ctx.lang] ?? d.moduleId) : '',
        score: `${Math.round(d.scoreGiven * 100) / 100}/${d.scoreMaximum}`,
        status: d.status,
        statusLabel: I18n.t(ctx.lang, `teach.deliveries.status.${d.status}`),
        failed: d.status === 'failed',
        error: d.lastError,
        when: (d.deliveredAt ?? d.createdAt).toISOString().replace('T', ' ').slice(0, 16),
        attempts: d.attempts,
      })),
      retried: req.query.retried === '1',
    });
  }

  @Post('class/deliveries/:id/retry')
  async retry(
    @Param('id') id: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    const delivery = /^[0-9a-f-]{36}$/i.test(id) ? await this.grades.get(id) : null;
    if (!delivery || delivery.contextRowId !== ctx.contextId) {
      throw new CurriculaException(
        CurriculaErrorCode.NOT_ALLOWED,
        'Not a delivery of this class.',
        { id },
      );
    }
    const ok = await this.grades.retry(id);
    res.redirect(303, `/teach/class/deliveries?${ctx.q}${ok ? '&retried=1' : ''}`);
  }

  @Post('class/policy')
  async policy(
    @Body() body: Record<string, string | undefined>,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    if (!launch.resourceLinkId) {
      throw new CurriculaException(CurriculaErrorCode.NOT_ALLOWED, 'No activity to configure.');
    }
    const max = Number(body.maxAttempts);
    await this.attempts.setPolicy(
      linkKeyOf('module', launch),
      {
        maxAttempts: Number.isFinite(max) ? max : DEFAULT_ATTEMPT_POLICY.maxAttempts,
        scorePolicy: body.scorePolicy === 'latest' ? 'latest' : 'best',
      },
      launch.userId,
    );
    res.redirect(303, `/teach/class?${ctx.q}&saved=1#policy`);
  }

  @Get('class/export.csv')
  async export(
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.classCtx(req, launch);
    const data = await this.classData(launch, ctx);
    const t = (key: string): string => I18n.t(ctx.lang, key);
    const rows: Array<Array<string | number>> = [
      [
        'student',
        'module',
        'title',
        'status',
        'attempts',
        'best',
        'latest',
        'kept',
        'passed',
        'last',
      ].map((k) => t(`teach.csv.${k}`)),
    ];
    for (const learner of data.learners) {
      for (const module of data.modules) {
        const p = data.progress.find(
          (e) => e.userId === learner.userId && e.moduleId === module.id,
        );
        const status = !p
          ? 'notStarted'
          : p.attempts > 0
            ? p.passed
              ? 'passed'
              : 'completed'
            : 'inProgress';
        rows.push(
          [
            learner.name,
            module.id,
            module.title[ctx.lang],
            status === 'completed' ? t('teach.school.completed') : t(`teach.progress.${status}`),
            p?.attempts ?? 0,
            p?.best ?? '',
            p?.latest ?? '',
            p?.kept ?? '',
            p ? t(p.passed ? 'teach.yes' : 'teach.no') : '',
            p ? p.lastActivityAt.toISOString() : '',
          ].map((v) => safeCell(v)),
        );
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="safenest-class-progress.csv"');
    // A BOM so spreadsheet programs read Vietnamese as UTF-8.
    res.type('text/csv; charset=utf-8').send(`\ufeff${stringify(rows)}`);
  }

  @Get('school')
  async school(
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!launch.roles.admin && !launch.roles.instructor) {
      throw new CurriculaException(
        CurriculaErrorCode.NOT_ALLOWED,
        'School view is for school staff.',
      );
    }
    const lt = launchTokenOf(req) ?? '';
    const lang = playerLang(req, launch);
    const rows = launch.schoolOrgNodeId
      ? await this.attempts.schoolSummary(launch.schoolOrgNodeId)
      : [];
    const q = playerQuery(lt, lang);
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(
      this.views.page(
        'school',
        { ...this.meta(req, lang, I18n.t(lang, 'teach.school.title')) },
        {
          q,
          helpHref: `/help?${q}`,
          linked: Boolean(launch.schoolOrgNodeId),
          rows: rows.map((r) => ({
            ...r,
            module: this.catalog.find(r.moduleId)?.title[lang] ?? r.moduleId,
          })),
        },
      ),
    );
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * The guide's headings moved one level down (they sit under the page's h1, the class), and its
   * tables (the timed plans) in a focusable scroll box, so a phone never scrolls the whole page
   * sideways.
   */
  private guideHtml(html: string, lang: Lang): string {
    const label = escapeAttr(I18n.t(lang, 'teach.guide.table'));
    return html
      .replace(/<(\/?)h([1-5])\b/g, (_, end: string, n: string) => `<${end}h${Number(n) + 1}`)
      .replace(
        /<table>/g,
        `<div class="table-wrap" tabindex="0" role="region" aria-label="${label}"><table>`,
      )
      .replace(/<\/table>/g, '</table></div>');
  }

  /** The module a per-module tab shows (the one asked for, else the first) and its links to the others. */
  private modulePicker(
    data: ClassData,
    ctx: Ctx,
    tab: 'guide' | 'family-note',
    wanted: string | undefined,
  ): {
    module: ClassData['modules'][number] | undefined;
    modules: { title: string; href: string; current: boolean }[];
  } {
    const module = data.modules.find((m) => m.id === wanted) ?? data.modules[0];
    return {
      module,
      modules: data.modules.map((m) => ({
        title: m.title[ctx.lang],
        href: `/teach/class/${tab}?${ctx.q}&module=${encodeURIComponent(m.id)}`,
        current: m.id === module?.id,
      })),
    };
  }

  private classCtx(req: Request, launch: LaunchContext): Ctx {
    if (!(launch.roles.instructor || launch.roles.admin) || !launch.contextId) {
      throw new CurriculaException(
        CurriculaErrorCode.NOT_ALLOWED,
        'Class view is for teachers of a class.',
      );
    }
    const lt = launchTokenOf(req) ?? '';
    const lang = playerLang(req, launch);
    return { lt, lang, q: playerQuery(lt, lang), contextId: launch.contextId };
  }

  private async classData(launch: LaunchContext, ctx: Ctx): Promise<ClassData> {
    const [members, progress, moduleIds] = await Promise.all([
      this.roster.members(ctx.contextId),
      this.attempts.classProgress(ctx.contextId),
      this.attempts.modulesOfClass(ctx.contextId),
    ]);
    const ids = [...new Set([...(launch.moduleId ? [launch.moduleId] : []), ...moduleIds])];
    const modules = ids.flatMap((id) => {
      const m = this.catalog.find(id);
      return m ? [m] : [];
    });
    const learners = members
      .filter((m: RosterMember) => m.learner && m.status !== 'Deleted')
      .map((m) => ({ userId: m.userId, name: m.displayName }));
    const known = new Set(learners.map((l) => l.userId));
    for (const userId of new Set(progress.map((p) => p.userId))) {
      if (!known.has(userId)) {
        learners.push({ userId, name: I18n.t(ctx.lang, 'teach.progress.unknown') });
      }
    }
    learners.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    return { learners, modules, progress };
  }

  private cell(p: LearnerModuleProgress | undefined, lang: Lang): Record<string, unknown> {
    if (!p) {
      return { text: I18n.t(lang, 'teach.progress.notStarted'), kind: 'none' };
    }
    if (p.attempts === 0) {
      return { text: I18n.t(lang, 'teach.progress.inProgress'), kind: 'progress' };
    }
    return {
      text: `${p.best}%${p.passed ? ' ✓' : ''}`,
      sub: I18n.t(lang, 'teach.progress.attempts', { n: p.attempts }),
      kind: p.passed ? 'passed' : 'done',
    };
  }

  private meta(
    req: Request,
    lang: Lang,
    title: string,
  ): {
    title: string;
    lang: Lang;
    path: string;
    bodyClass: string;
    embedded: boolean;
    styles: string[];
    scripts: string[];
  } {
    const self = req.originalUrl.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
    return {
      title,
      lang,
      path: self,
      bodyClass: 'teach',
      embedded: true,
      styles: ['/static/player.css'],
      scripts: ['/static/player.js'],
    };
  }

  private send(
    res: Response,
    req: Request,
    ctx: Ctx,
    launch: LaunchContext,
    tab: Tab,
    template: string,
    data: Record<string, unknown>,
  ): void {
    const linkModule = launch.moduleId ? this.catalog.find(launch.moduleId) : undefined;
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(
      this.views.page(
        template,
        this.meta(
          req,
          ctx.lang,
          `${I18n.t(ctx.lang, TABS.find((t) => t.id === tab)?.key ?? 'teach.title')} · ${launch.contextTitle}`,
        ),
        {
          ...data,
          lt: ctx.lt,
          q: ctx.q,
          helpHref: `/help?${ctx.q}`,
          classTitle: launch.contextTitle,
          linkModule: linkModule
            ? {
                title: linkModule.title[ctx.lang],
                previewHref: `/play/${encodeURIComponent(linkModule.id)}?${ctx.q}`,
              }
            : null,
          tabs: TABS.map((t) => ({
            label: I18n.t(ctx.lang, t.key),
            href: `${t.path}?${ctx.q}`,
            current: t.id === tab,
          })),
        },
      ),
    );
  }
}

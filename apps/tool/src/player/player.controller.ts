import { findAppRoot, I18n, isLang, Lang, sendHtml, Views } from '@lib/core';
import {
  AttemptEntity,
  CatalogService,
  CurriculaErrorCode,
  CurriculaException,
  describeAnswerKey,
  answerKeyOf,
  GradedAttempt,
  isModuleSource,
  itemsOf,
  OpenAttempt,
  PlayerService,
  PlayerStep,
  scenarioFinished,
  scenarioStep,
  toPublicItem,
  type BandId,
  type Language,
} from '@lib/curricula';
import { CurrentLaunch, LaunchContext, LaunchGuard, LaunchLandings, launchTokenOf } from '@lib/lti';
import { Body, Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as path from 'node:path';
import { FormBody, FormProblem, isAnswered, itemView, parseItemForm } from './player-view.util';
import './player.messages';

const BANDS: readonly BandId[] = [
  'early-primary',
  'upper-primary',
  'lower-secondary',
  'upper-secondary',
];

/** Query string every player link carries: the launch token (no cookies in LMS iframes) and the language. */
export function playerQuery(lt: string, lang: Lang): string {
  return `lt=${encodeURIComponent(lt)}&lang=${lang}`;
}

/** The page's language: `?lang=` (or the form's), else the launch's locale. */
export function playerLang(req: Request, launch: LaunchContext): Lang {
  const fromQuery = req.query.lang;
  if (isLang(fromQuery)) {
    return fromQuery;
  }
  const fromBody = (req.body as FormBody | undefined)?.lang;
  return isLang(fromBody) ? fromBody : launch.locale;
}

interface Ctx {
  lt: string;
  lang: Lang;
  q: string;
  preview: boolean;
}

/**
 * The lesson player: server-rendered pages that work without JavaScript (every step a link or
 * a form post carrying `lt`), a little script on top (autosave, read-aloud, reordering).
 * Grading happens in PlayerService on submission; nothing before it shows a key or feedback.
 */
@Controller('play')
@UseGuards(LaunchGuard)
export class PlayerController {
  private readonly views = new Views(path.join(findAppRoot(), 'apps/tool/src/player/templates'));

  constructor(
    private readonly player: PlayerService,
    private readonly catalog: CatalogService,
    landings: LaunchLandings,
  ) {
    // A learner's launch answers with this page directly: one round trip less (ADR 0107).
    landings.setLearnerPage(async ({ launch, lt, url }, req, res) => {
      const ctx = this.ctxOf(lt, playerLang(req, launch), launch);
      await this.renderEntry(launch.moduleId ?? '', launch, ctx, url, req, res);
    });
  }

  // ---- module entry ---------------------------------------------------------------------------

  @Get(':moduleId')
  async entry(
    @Param('moduleId') moduleId: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.renderEntry(moduleId, launch, this.ctx(req, launch), req.originalUrl, req, res);
  }

  /** The module's first page; `url` is its own address (the launch post answers with it too). */
  private async renderEntry(
    moduleId: string,
    launch: LaunchContext,
    ctx: Ctx,
    url: string,
    req: Request,
    res: Response,
  ): Promise<void> {
    const entry = await this.player.entry(launch, moduleId);
    const module = this.catalog.get(moduleId);
    const check = this.catalog.bandChecks().find((c) => c.band === module.band);
    // The entry read the band's attempts already (null for previews).
    const status = check ? entry.bandStatus : null;
    const postCheckOpen =
      Boolean(status?.pre?.status === 'submitted') &&
      (status?.modulesCompleted ?? 0) > 0 &&
      status?.post?.status !== 'submitted';
    this.send(
      res,
      req,
      ctx,
      'entry',
      module.title[ctx.lang],
      {
        module: {
          id: module.id,
          title: module.title[ctx.lang],
          summary: module.summary[ctx.lang],
          essentialQuestion: module.essentialQuestion[ctx.lang],
          objectives: module.objectives.map((o) => o.text[ctx.lang]),
          vocabulary: module.vocabulary.map((v) => ({
            term: v.term[ctx.lang],
            definition: v.definition[ctx.lang],
          })),
          minutes: module.durationMinutes,
          pages: module.pages.length,
          items: module.assessment.items.length,
        },
        entry,
        submitted: [...entry.submitted].reverse(),
        canStart:
          entry.attemptsLeft === null || entry.attemptsLeft > 0 || Boolean(entry.inProgress),
        preCheck:
          check && (entry.preCheckDue || entry.preCheckInProgress)
            ? {
                band: module.band,
                items: check.items.length,
                inProgress: Boolean(entry.preCheckInProgress),
              }
            : null,
        postCheck:
          check && postCheckOpen
            ? { band: module.band, inProgress: status?.post?.status === 'in_progress' }
            : null,
        unlimited: entry.attemptsLeft === null,
        policyBest: entry.policy.scorePolicy === 'best',
      },
      url === req.originalUrl ? undefined : url,
    );
  }

  @Post(':moduleId/start')
  async start(
    @Param('moduleId') moduleId: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.ctx(req, launch);
    const attempt = await this.player.start(launch, moduleId);
    res.redirect(303, this.stepHref(attempt.id, attempt.position, ctx));
  }

  @Get(':moduleId/family-note')
  familyNote(
    @Param('moduleId') moduleId: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    const ctx = this.ctx(req, launch);
    this.player.assertModuleAllowed(launch, moduleId);
    const note = this.catalog.renderFamilyNote(moduleId, ctx.lang);
    this.send(res, req, ctx, 'family-note', I18n.t(ctx.lang, 'player.familyNote.title'), {
      title: note.title,
      html: note.html,
      backHref: `/play/${encodeURIComponent(moduleId)}?${ctx.q}`,
    });
  }

  // ---- band checks --------------------------------------------------------------------------------

  @Post('check/:band/:kind/start')
  async startCheck(
    @Param('band') band: string,
    @Param('kind') kind: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.ctx(req, launch);
    const attempt = await this.player.startCheck(
      launch,
      this.band(band),
      kind === 'post' ? 'post' : 'pre',
    );
    res.redirect(
      303,
      attempt.status === 'submitted'
        ? `/play/attempt/${attempt.id}/result?${ctx.q}`
        : this.stepHref(attempt.id, attempt.position, ctx),
    );
  }

  @Post('check/:band/pre/skip')
  async skipCheck(
    @Param('band') band: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.ctx(req, launch);
    await this.player.skipPreCheck(launch, this.band(band));
    res.redirect(303, this.lessonHref(launch, ctx));
  }

  // ---- an attempt -------------------------------------------------------------------------------

  @Get('attempt/:attemptId/result')
  async result(
    @Param('attemptId') attemptId: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.ctx(req, launch);
    const open = await this.player.open(launch, attemptId);
    if (open.attempt.status !== 'submitted') {
      res.redirect(303, this.stepHref(attemptId, open.attempt.position, ctx));
      return;
    }
    const graded = await this.player.graded(launch, attemptId);
    if (graded.attempt.kind === 'module') {
      await this.renderModuleResult(graded, launch, req, res, ctx);
    } else {
      await this.renderCheckResult(graded, launch, req, res, ctx);
    }
  }

  @Post('attempt/:attemptId/submit')
  async submit(
    @Param('attemptId') attemptId: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.ctx(req, launch);
    const open = await this.player.open(launch, attemptId);
    await this.player.submit(launch, open);
    res.redirect(303, `/play/attempt/${attemptId}/result?${ctx.q}`);
  }

  @Get('attempt/:attemptId/:step')
  async step(
    @Param('attemptId') attemptId: string,
    @Param('step') stepParam: string,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.ctx(req, launch);
    const open = await this.player.open(launch, attemptId);
    if (open.attempt.status === 'submitted') {
      res.redirect(303, `/play/attempt/${attemptId}/result?${ctx.q}`);
      return;
    }
    if (open.attempt.status !== 'in_progress') {
      throw new CurriculaException(CurriculaErrorCode.ATTEMPT_CLOSED, 'Attempt closed.', {
        attemptId,
      });
    }
    const step = this.stepOf(open, stepParam);
    await this.player.reached(open, step.index);
    const error = typeof req.query.error === 'string' ? req.query.error : undefined;
    switch (step.kind) {
      case 'page':
        this.renderPage(open, step, req, res, ctx);
        return;
      case 'item':
        this.renderItem(open, step, error, req, res, ctx);
        return;
      case 'review':
        this.renderReview(open, step, req, res, ctx);
        return;
    }
  }

  @Post('attempt/:attemptId/:step')
  async answer(
    @Param('attemptId') attemptId: string,
    @Param('step') stepParam: string,
    @Body() body: FormBody,
    @CurrentLaunch() launch: LaunchContext,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ctx = this.ctx(req, launch);
    const open = await this.player.open(launch, attemptId);
    const step = this.stepOf(open, stepParam);
    const go = typeof body.go === 'string' ? body.go : 'next';
    const json = (req.headers.accept ?? '').includes('application/json');
    if (open.attempt.status === 'submitted' && !json) {
      res.redirect(303, `/play/attempt/${attemptId}/result?${ctx.q}`);
      return;
    }
    let error: string | undefined;
    if (step.kind === 'item') {
      error = await this.saveItem(open, step.itemId, go, body);
    }
    if (json) {
      res.status(error ? 400 : 200).json({ saved: !error, error: error ?? null });
      return;
    }
    if (error) {
      res.redirect(303, `${this.stepHref(attemptId, step.index, ctx)}&error=${error}#form-error`);
      return;
    }
    const target =
      go === 'prev'
        ? Math.max(0, step.index - 1)
        : go === 'next' || go === 'save'
          ? Math.min(open.steps.length - 1, step.index + (go === 'next' ? 1 : 0))
          : step.index;
    await this.player.reached(open, target);
    res.redirect(303, this.stepHref(attemptId, target, ctx));
  }

  // ---- rendering ----------------------------------------------------------------------------------

  private renderPage(
    open: OpenAttempt,
    step: Extract<PlayerStep, { kind: 'page' }>,
    req: Request,
    res: Response,
    ctx: Ctx,
  ): void {
    if (!isModuleSource(open.source)) {
      throw new CurriculaException(CurriculaErrorCode.PAGE_NOT_FOUND, 'No pages in a check.');
    }
    const page = this.catalog.renderPage(open.source.id, step.pageId, ctx.lang);
    this.send(res, req, ctx, 'step-page', page.title, {
      ...this.progress(open, step.index),
      title: page.title,
      html: page.html,
      sourceTitle: open.source.title[ctx.lang],
      prevHref:
        step.index > 0
          ? this.stepHref(open.attempt.id, step.index - 1, ctx)
          : `${this.lessonHref(null, ctx, open.source.id)}`,
      nextHref: this.stepHref(open.attempt.id, step.index + 1, ctx),
    });
  }

  private renderItem(
    open: OpenAttempt,
    step: Extract<PlayerStep, { kind: 'item' }>,
    error: string | undefined,
    req: Request,
    res: Response,
    ctx: Ctx,
  ): void {
    const model = this.player.item(open, step.itemId);
    const item = toPublicItem(model, ctx.lang, open.attempt.id);
    const view = itemView(
      item,
      open.responses.get(step.itemId),
      { true: I18n.t(ctx.lang, 'player.true'), false: I18n.t(ctx.lang, 'player.false') },
      model.type === 'scenario' ? (p) => scenarioStep(model, p, ctx.lang) : undefined,
    );
    const total = itemsOf(open.source).length;
    const errorKey =
      error === 'order'
        ? 'player.error.order'
        : error === 'choice'
          ? 'player.error.pickChoice'
          : error
            ? 'player.error.invalid'
            : null;
    this.send(
      res,
      req,
      ctx,
      'step-item',
      `${I18n.t(ctx.lang, 'player.question', { n: step.number, total })} · ${this.sourceTitle(open, ctx.lang)}`,
      {
        ...this.progress(open, step.index),
        item: view,
        number: step.number,
        total,
        action: `/play/attempt/${open.attempt.id}/${step.index + 1}`,
        error: errorKey ? I18n.t(ctx.lang, errorKey) : null,
        hasBack: step.index > 0,
        storyStarted: Boolean(view.scenario?.history.length),
        sourceTitle: this.sourceTitle(open, ctx.lang),
      },
    );
  }

  private renderReview(
    open: OpenAttempt,
    step: PlayerStep,
    req: Request,
    res: Response,
    ctx: Ctx,
  ): void {
    const items = itemsOf(open.source);
    const firstItem = open.steps.find((s) => s.kind === 'item')?.index ?? 0;
    const rows = items.map((item, i) => {
      const saved = open.responses.get(item.id);
      const status = !isAnswered(saved)
        ? 'unanswered'
        : scenarioFinished(item, saved)
          ? 'answered'
          : 'unfinished';
      return {
        number: i + 1,
        prompt: item.prompt[ctx.lang],
        href: this.stepHref(open.attempt.id, firstItem + i, ctx),
        status,
        label: I18n.t(ctx.lang, `player.review.${status}`),
      };
    });
    this.send(res, req, ctx, 'review', I18n.t(ctx.lang, 'player.review.title'), {
      ...this.progress(open, step.index),
      rows,
      total: items.length,
      missing: rows.filter((r) => r.status !== 'answered').length,
      action: `/play/attempt/${open.attempt.id}/submit`,
      prevHref: this.stepHref(open.attempt.id, step.index - 1, ctx),
      sourceTitle: this.sourceTitle(open, ctx.lang),
    });
  }

  private async renderModuleResult(
    graded: GradedAttempt,
    launch: LaunchContext,
    req: Request,
    res: Response,
    ctx: Ctx,
  ): Promise<void> {
    const { attempt, source } = graded;
    if (!isModuleSource(source)) {
      return;
    }
    const entry = await this.player.entry(launch, source.id);
    const status = ctx.preview ? null : await this.player.bandCheckStatus(launch, source.band);
    const postCheck =
      status && status.pre?.status === 'submitted' && status.post?.status !== 'submitted'
        ? { band: source.band, inProgress: status.post?.status === 'in_progress' }
        : null;
    this.send(res, req, ctx, 'result', I18n.t(ctx.lang, 'player.result.title'), {
      moduleTitle: source.title[ctx.lang],
      ...this.scoreView(attempt),
      passPercent: source.assessment.passPercent,
      passed: Boolean(attempt.passed),
      kept:
        attempt.keptPercent !== null && attempt.keptPercent !== attempt.percent
          ? attempt.keptPercent
          : null,
      mastery: this.masteryView(graded, ctx.lang),
      answers: this.answersView(graded, ctx.lang),
      versionChanged: graded.result === null,
      canRetry: entry.attemptsLeft === null || entry.attemptsLeft > 0,
      attemptsLeft: entry.attemptsLeft,
      retryAction: `/play/${encodeURIComponent(source.id)}/start`,
      lessonHref: `/play/${encodeURIComponent(source.id)}?${ctx.q}`,
      familyNoteHref: `/play/${encodeURIComponent(source.id)}/family-note?${ctx.q}`,
      postCheck,
    });
  }

  private async renderCheckResult(
    graded: GradedAttempt,
    launch: LaunchContext,
    req: Request,
    res: Response,
    ctx: Ctx,
  ): Promise<void> {
    const { attempt } = graded;
    const kind = attempt.kind === 'post' ? 'post' : 'pre';
    let gain: { pre: number; post: number; delta: number } | null = null;
    if (kind === 'post') {
      const status = await this.player.bandCheckStatus(launch, attempt.band as BandId);
      if (status.pre?.status === 'submitted' && status.pre.percent !== null) {
        const pre = status.pre.percent;
        const post = attempt.percent ?? 0;
        gain = { pre, post, delta: Math.round((post - pre) * 10) / 10 };
      }
    }
    this.send(res, req, ctx, 'check-result', I18n.t(ctx.lang, `player.check.title.${kind}`), {
      kind,
      pre: kind === 'pre',
      ...this.scoreView(attempt),
      gain,
      improved: gain !== null && gain.delta > 0,
      // Feedback after the pre-check would teach the post-check's answers: only after the post-check.
      answers: kind === 'post' ? this.answersView(graded, ctx.lang) : [],
      lessonHref: this.lessonHref(launch, ctx),
    });
  }

  private scoreView(attempt: AttemptEntity): Record<string, unknown> {
    const round = (n: number | null): number => Math.round((n ?? 0) * 100) / 100;
    return {
      earned: round(attempt.earned),
      max: round(attempt.maxPoints),
      percent: attempt.percent ?? 0,
    };
  }

  private masteryView(
    graded: GradedAttempt,
    lang: Language,
  ): Array<{ text: string; level: string; label: string }> {
    const { attempt, source } = graded;
    if (!isModuleSource(source)) {
      return [];
    }
    return (attempt.mastery ?? []).map((m) => ({
      text: source.objectives.find((o) => o.id === m.objective)?.text[lang] ?? m.objective,
      level: m.level,
      label: I18n.t(lang, `player.mastery.${m.level}`),
    }));
  }

  private answersView(graded: GradedAttempt, lang: Language): Array<Record<string, unknown>> {
    if (!graded.result) {
      return [];
    }
    const results = new Map(graded.result.items.map((r) => [r.itemId, r]));
    return itemsOf(graded.source).map((item, i) => {
      const r = results.get(item.id);
      const key = answerKeyOf(item, graded.answers[item.id]);
      const verdict =
        !r || !r.answered ? 'wrong' : r.correct ? 'correct' : r.score > 0 ? 'partly' : 'wrong';
      return {
        number: i + 1,
        prompt: item.prompt[lang],
        answered: Boolean(r?.answered),
        answer: key === null ? null : describeAnswerKey(item, key, lang).text,
        verdict,
        verdictLabel: I18n.t(lang, `player.result.${verdict}`, {
          p: `${Math.round((r?.score ?? 0) * 100)}%`,
        }),
        feedback: (r?.feedback ?? []).map((f) => f.text[lang]),
        misconceptions: [...new Set((r?.misconceptions ?? []).map((m) => m.text[lang]))],
      };
    });
  }

  private progress(open: OpenAttempt, index: number): Record<string, unknown> {
    return { stepNo: index + 1, stepTotal: open.steps.length };
  }

  private sourceTitle(open: OpenAttempt, lang: Language): string {
    return isModuleSource(open.source) ? open.source.title[lang] : open.source.title[lang];
  }

  private async saveItem(
    open: OpenAttempt,
    itemId: string,
    go: string,
    body: FormBody,
  ): Promise<string | undefined> {
    const model = this.player.item(open, itemId);
    try {
      if (model.type === 'scenario') {
        if (go === 'choose') {
          const choice = typeof body.choice === 'string' ? body.choice : '';
          if (!choice) {
            return 'choice';
          }
          await this.player.choose(open, itemId, choice);
        } else if (go === 'restart') {
          await this.player.choose(open, itemId, null);
        }
        return undefined;
      }
      const item = toPublicItem(model, 'vi', open.attempt.id);
      await this.player.save(open, itemId, parseItemForm(item, body));
      return undefined;
    } catch (err) {
      if (err instanceof FormProblem) {
        return err.reason;
      }
      if (err instanceof CurriculaException && err.code === CurriculaErrorCode.INVALID_ANSWER) {
        return 'invalid';
      }
      throw err;
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private ctx(req: Request, launch: LaunchContext): Ctx {
    return this.ctxOf(launchTokenOf(req) ?? '', playerLang(req, launch), launch);
  }

  private ctxOf(lt: string, lang: Lang, launch: LaunchContext): Ctx {
    return { lt, lang, q: playerQuery(lt, lang), preview: this.player.isPreview(launch) };
  }

  private band(value: string): BandId {
    const band = BANDS.find((b) => b === value);
    if (!band) {
      throw new CurriculaException(CurriculaErrorCode.CHECK_NOT_FOUND, 'Unknown band.', {
        band: value,
      });
    }
    return band;
  }

  private stepOf(open: OpenAttempt, param: string): PlayerStep {
    const n = /^\d{1,3}$/.test(param) ? Number(param) : NaN;
    const step = open.steps[n - 1];
    if (!step) {
      throw new CurriculaException(CurriculaErrorCode.ATTEMPT_NOT_FOUND, 'No such step.', {
        attemptId: open.attempt.id,
      });
    }
    return step;
  }

  private stepHref(attemptId: string, index: number, ctx: Ctx): string {
    return `/play/attempt/${attemptId}/${index + 1}?${ctx.q}`;
  }

  private lessonHref(launch: LaunchContext | null, ctx: Ctx, moduleId?: string): string {
    const id = moduleId ?? launch?.moduleId;
    return id ? `/play/${encodeURIComponent(id)}?${ctx.q}` : `/help?${ctx.q}`;
  }

  private send(
    res: Response,
    req: Request,
    ctx: Ctx,
    template: string,
    title: string,
    data: Record<string, unknown>,
    /** The page's own address when it answers a post to another one (the launch). */
    ownUrl?: string,
  ): void {
    const self = (ownUrl ?? req.originalUrl)
      .replace(/([?&])lang=[^&]*&?/, '$1')
      .replace(/[?&]$/, '');
    res.setHeader('Cache-Control', 'no-store');
    sendHtml(
      res,
      this.views.page(
        template,
        {
          title,
          lang: ctx.lang,
          path: self,
          url: ownUrl,
          bodyClass: 'player',
          embedded: true,
          styles: ['/static/player.css'],
          scripts: ['/static/player.js'],
        },
        {
          ...data,
          lt: ctx.lt,
          q: ctx.q,
          preview: ctx.preview,
          helpHref: `/help?${ctx.q}`,
          selfHref: `${self}${self.includes('?') ? '&' : '?'}lang=${ctx.lang}`,
        },
      ),
    );
  }
}

import { isPostgres, QueueService } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import { AttemptHooks } from '../attempts/attempt-hooks';
import { AttemptsService, linkKeyOf } from '../attempts/attempts.service';
import { SerialQueue } from '../attempts/serial.util';
import { CatalogService } from '../catalog.service';
import { CurriculaErrorCode, CurriculaException } from '../curricula.exception';
import {
  AttemptAnswerEntity,
  AttemptEntity,
  AttemptKind,
  SavedResponse,
} from '../entities/attempt.entity';
import { answerKeyOf } from '../grading/answer-key.util';
import { gradeAttempt } from '../grading/grade-attempt.util';
import type { AttemptResult } from '../models/attempt.model';
import type { AssessmentItem, BandId } from '../models/curriculum.model';
import type {
  AttemptGradedEvent,
  ModuleEntry,
  PlayerLearner,
  PlayerStep,
} from '../models/player.model';
import {
  AssessmentSource,
  itemsOf,
  stepsOf,
  toModelAnswers,
  validateResponse,
} from './player-answers.util';
import { walkScenario } from '../grading/answer-validation.util';

/** An attempt opened by its learner: the source it answers, its steps and saved responses. */
export interface OpenAttempt {
  attempt: AttemptEntity;
  source: AssessmentSource;
  steps: PlayerStep[];
  responses: Map<string, unknown>;
}

/** A graded attempt with its feedback, recomputed from the saved answers for the results page. */
export interface GradedAttempt extends OpenAttempt {
  /** Null when the module changed version since: only totals and mastery remain. */
  result: AttemptResult | null;
  /** Model-id answers that were graded. */
  answers: Readonly<Record<string, unknown>>;
}

/** Where a learner stands with the band's pre/post check in a class. */
export interface BandCheckStatus {
  band: BandId;
  pre: AttemptEntity | null;
  post: AttemptEntity | null;
  modulesCompleted: number;
}

/** The band's standing from all of a learner's attempts in the band and class (number order). */
function bandStatusOf(band: BandId, inBand: AttemptEntity[]): BandCheckStatus {
  const last = (kind: AttemptKind): AttemptEntity | null =>
    inBand.filter((a) => a.kind === kind).at(-1) ?? null;
  return {
    band,
    pre: last('pre'),
    post: last('post'),
    modulesCompleted: new Set(
      inBand.filter((a) => a.kind === 'module' && a.status === 'submitted').map((a) => a.sourceId),
    ).size,
  };
}

const notFound = (attemptId: string): CurriculaException =>
  new CurriculaException(CurriculaErrorCode.ATTEMPT_NOT_FOUND, 'No such attempt.', { attemptId });

const closed = (attemptId: string): CurriculaException =>
  new CurriculaException(CurriculaErrorCode.ATTEMPT_CLOSED, 'The attempt is already submitted.', {
    attemptId,
  });

/**
 * The lesson player's rules: which module a launch may open, starting and resuming attempts
 * within the link's retry policy, saving each answer as it is given, and grading on the server
 * in one transaction with the hooks (grade passback, coverage) the app registered.
 */
@Injectable()
export class PlayerService {
  private readonly logger = new Logger(PlayerService.name);
  private readonly serial = new SerialQueue();

  constructor(
    private readonly catalog: CatalogService,
    private readonly attempts: AttemptsService,
    private readonly queue: QueueService,
    private readonly hooks: AttemptHooks,
  ) {}

  /** Teachers and admins try modules as previews: no grade, no coverage, not in class figures. */
  isPreview(learner: PlayerLearner): boolean {
    return !learner.roles.learner || learner.roles.instructor || learner.roles.admin;
  }

  /** A learner may open only the module of their LMS link; teachers may preview any module. */
  assertModuleAllowed(learner: PlayerLearner, moduleId: string): void {
    if (!this.isPreview(learner) && learner.moduleId !== moduleId) {
      throw new CurriculaException(
        CurriculaErrorCode.MODULE_NOT_IN_LAUNCH,
        'This link opens another module.',
        { moduleId, launchModuleId: learner.moduleId },
      );
    }
    this.catalog.get(moduleId);
  }

  /** Everything the module's first page needs: attempts so far, what is left, the pre-check. */
  async entry(
    learner: PlayerLearner,
    moduleId: string,
  ): Promise<ModuleEntry & { bandStatus: BandCheckStatus | null }> {
    this.assertModuleAllowed(learner, moduleId);
    const module = this.catalog.get(moduleId);
    const linkKey = linkKeyOf('module', learner);
    const [policy, all] = await Promise.all([
      this.attempts.policyForPage(linkKey),
      this.attempts.list(learner.userId, 'module', moduleId, linkKey),
    ]);
    let inProgress = all.find((a) => a.status === 'in_progress') ?? null;
    if (inProgress && inProgress.version !== module.version) {
      await this.abandon(inProgress);
      inProgress = null;
    }
    const submitted = all.filter((a) => a.status === 'submitted');
    const counted = submitted.filter((a) => a.preview === this.isPreview(learner));
    const percents = submitted.map((a) => a.percent ?? 0);
    let preCheckDue = false;
    let preCheckInProgress: string | null = null;
    let bandStatus: BandCheckStatus | null = null;
    if (!this.isPreview(learner)) {
      // One read for the band: its pre/post checks and the learner's modules in this class.
      const inBand = await this.attempts.allInBand(learner.userId, module.band, learner.contextId);
      bandStatus = bandStatusOf(module.band, inBand);
      const checks = inBand.filter((a) => a.kind === 'pre');
      preCheckInProgress = checks.find((a) => a.status === 'in_progress')?.id ?? null;
      if (checks.length === 0 && all.length === 0) {
        preCheckDue = !inBand.some((a) => a.kind === 'module');
      }
    }
    return {
      moduleId,
      band: module.band,
      policy,
      submitted: submitted.map((a) => ({
        id: a.id,
        number: a.number,
        percent: a.percent ?? 0,
        passed: Boolean(a.passed),
        submittedAt: a.submittedAt as Date,
      })),
      inProgress: inProgress
        ? { id: inProgress.id, position: inProgress.position, steps: stepsOf(module).length }
        : null,
      attemptsLeft:
        this.isPreview(learner) || policy.maxAttempts === 0
          ? null
          : Math.max(0, policy.maxAttempts - counted.length),
      best: percents.length ? Math.max(...percents) : null,
      latest: percents.length ? (percents.at(-1) ?? null) : null,
      preCheckDue,
      preCheckInProgress,
      bandStatus,
    };
  }

  /** Resumes the learner's unfinished attempt on this link, or starts the next one the policy allows. */
  async start(learner: PlayerLearner, moduleId: string): Promise<AttemptEntity> {
    this.assertModuleAllowed(learner, moduleId);
    const module = this.catalog.get(moduleId);
    const linkKey = linkKeyOf('module', learner);
    const preview = this.isPreview(learner);
    return this.transaction(async (m) => {
      const all = await this.attempts.list(learner.userId, 'module', moduleId, linkKey, m);
      const open = all.find((a) => a.status === 'in_progress');
      if (open && open.version === module.version) {
        return open;
      }
      if (open) {
        await m.getRepository(AttemptEntity).update({ id: open.id }, { status: 'abandoned' });
      }
      if (!preview) {
        const policy = await this.attempts.policy(linkKey, m);
        const used = all.filter((a) => a.status === 'submitted' && !a.preview).length;
        if (policy.maxAttempts > 0 && used >= policy.maxAttempts) {
          throw new CurriculaException(CurriculaErrorCode.NO_ATTEMPTS_LEFT, 'No attempts left.', {
            moduleId,
            maxAttempts: policy.maxAttempts,
          });
        }
      }
      return this.insertAttempt(m, learner, {
        kind: 'module',
        sourceId: module.id,
        band: module.band,
        version: module.version,
        linkKey,
        number: (all.at(-1)?.number ?? 0) + 1,
        preview,
        status: 'in_progress',
      });
    });
  }

  /** The learner's standing with the band check of a band in this class. */
  async bandCheckStatus(learner: PlayerLearner, band: BandId): Promise<BandCheckStatus> {
    return bandStatusOf(
      band,
      await this.attempts.allInBand(learner.userId, band, learner.contextId),
    );
  }

  /**
   * Opens the band's check before (`pre`) or after (`post`) lessons: the unfinished one, else
   * the one already done (its result page), else a new one. A post-check needs a finished
   * module of the band first.
   */
  async startCheck(
    learner: PlayerLearner,
    band: BandId,
    kind: 'pre' | 'post',
  ): Promise<AttemptEntity> {
    const check = this.catalog.bandCheck(band);
    if (this.isPreview(learner)) {
      throw new CurriculaException(
        CurriculaErrorCode.NOT_ALLOWED,
        'Band checks are for learners.',
        { band },
      );
    }
    const linkKey = linkKeyOf(kind, learner);
    return this.transaction(async (m) => {
      const all = await this.attempts.list(learner.userId, kind, check.id, linkKey, m);
      const current = all.find((a) => a.status === 'in_progress' || a.status === 'submitted');
      if (current) {
        return current;
      }
      if (kind === 'post') {
        const status = await this.bandCheckStatus(learner, band);
        if (status.modulesCompleted === 0) {
          throw new CurriculaException(CurriculaErrorCode.NOT_ALLOWED, 'Finish a lesson first.', {
            band,
          });
        }
      }
      const skipped = all.find((a) => a.status === 'skipped');
      if (skipped) {
        await m.getRepository(AttemptEntity).update({ id: skipped.id }, { status: 'in_progress' });
        return { ...skipped, status: 'in_progress' };
      }
      return this.insertAttempt(m, learner, {
        kind,
        sourceId: check.id,
        band,
        version: 0,
        linkKey,
        number: (all.at(-1)?.number ?? 0) + 1,
        preview: false,
        status: 'in_progress',
      });
    });
  }

  /** The learner chose to go straight to the lesson: remember it so the check is not asked again. */
  async skipPreCheck(learner: PlayerLearner, band: BandId): Promise<void> {
    const check = this.catalog.bandCheck(band);
    if (this.isPreview(learner)) {
      return;
    }
    const linkKey = linkKeyOf('pre', learner);
    await this.transaction(async (m) => {
      const all = await this.attempts.list(learner.userId, 'pre', check.id, linkKey, m);
      if (all.length === 0) {
        await this.insertAttempt(m, learner, {
          kind: 'pre',
          sourceId: check.id,
          band,
          version: 0,
          linkKey,
          number: 1,
          preview: false,
          status: 'skipped',
        });
      }
    });
  }

  /** The learner's own attempt; anyone else's is "not found". */
  async open(learner: PlayerLearner, attemptId: string): Promise<OpenAttempt> {
    const attempt = /^[0-9a-f-]{36}$/i.test(attemptId) ? await this.attempts.get(attemptId) : null;
    if (!attempt || attempt.userId !== learner.userId) {
      throw notFound(attemptId);
    }
    const source = this.sourceOf(attempt);
    return {
      attempt,
      source,
      steps: stepsOf(source),
      responses: await this.attempts.responses(attempt.id),
    };
  }

  item(open: OpenAttempt, itemId: string): AssessmentItem {
    const item = itemsOf(open.source).find((i) => i.id === itemId);
    if (!item) {
      throw notFound(open.attempt.id);
    }
    return item;
  }

  /** Records that the learner reached a step (resume goes back to the furthest one). */
  async reached(open: OpenAttempt, stepIndex: number): Promise<void> {
    if (open.attempt.status !== 'in_progress' || stepIndex <= open.attempt.position) {
      return;
    }
    open.attempt.position = stepIndex;
    await this.attempts.touchPosition(open.attempt.id, stepIndex);
  }

  /**
   * Saves one item's response (public ids, as the page posted it; null clears it). Throws
   * ATTEMPT_CLOSED after submission and INVALID_ANSWER for a response that does not fit.
   */
  async save(open: OpenAttempt, itemId: string, response: unknown): Promise<void> {
    if (open.attempt.status !== 'in_progress') {
      throw closed(open.attempt.id);
    }
    const item = this.item(open, itemId);
    if (response !== null && response !== undefined) {
      validateResponse(open.source, item, response, open.attempt.id);
    }
    await this.transaction((m) =>
      this.attempts.saveResponse(open.attempt, itemId, response ?? null, m),
    );
    open.responses.set(itemId, response ?? null);
  }

  /** One more decision in a branching story (or, with null, back to its start). */
  async choose(open: OpenAttempt, itemId: string, choiceId: string | null): Promise<void> {
    const item = this.item(open, itemId);
    if (item.type !== 'scenario') {
      throw new CurriculaException(CurriculaErrorCode.INVALID_ANSWER, 'Not a story.', { itemId });
    }
    if (choiceId === null) {
      await this.save(open, itemId, null);
      return;
    }
    const saved = open.responses.get(itemId);
    const path = Array.isArray(saved) ? (saved as string[]) : [];
    if (!walkScenario(item, path).node) {
      return; // the story has ended; a late second post changes nothing
    }
    await this.save(open, itemId, [...path, choiceId]);
  }

  /**
   * Grades the attempt on the server and closes it, in one transaction with the app's hooks.
   * A second submission (double click, second tab) returns the graded attempt unchanged.
   */
  async submit(learner: PlayerLearner, open: OpenAttempt): Promise<AttemptEntity> {
    const { attempt, source } = open;
    if (attempt.status === 'submitted') {
      return attempt;
    }
    if (attempt.status !== 'in_progress') {
      throw closed(attempt.id);
    }
    const responses = await this.attempts.responses(attempt.id);
    const answers = toModelAnswers(source, responses, attempt.id);
    const result = gradeAttempt(source, answers);
    const submittedAt = new Date();
    const graded = await this.transaction(async (m) => {
      const update = await m
        .createQueryBuilder()
        .update(AttemptEntity)
        .set({
          status: 'submitted',
          submittedAt,
          earned: result.totals.earned,
          maxPoints: result.totals.max,
          percent: result.totals.percent,
          passed: result.totals.passed,
          mastery: result.mastery,
          position: open.steps.length - 1,
        })
        .where('id = :id AND status = :status', { id: attempt.id, status: 'in_progress' })
        .execute();
      if (!update.affected) {
        return null;
      }
      await this.writeGradedAnswers(m, attempt, source, responses, answers, result);
      const kept = await this.keptScore(m, attempt, result);
      await m
        .getRepository(AttemptEntity)
        .update({ id: attempt.id }, { keptPercent: kept.percent });
      if (attempt.kind === 'module' && !attempt.preview) {
        const event: AttemptGradedEvent = {
          attemptId: attempt.id,
          kind: attempt.kind,
          moduleId: attempt.sourceId,
          version: attempt.version,
          band: attempt.band as BandId,
          number: attempt.number,
          earned: result.totals.earned,
          maxPoints: result.totals.max,
          percent: result.totals.percent,
          passed: Boolean(result.totals.passed),
          kept,
          submittedAt,
          learner,
        };
        for (const hook of this.hooks.list()) {
          await hook.attemptGraded(m, event);
        }
      }
      return m.getRepository(AttemptEntity).findOneOrFail({ where: { id: attempt.id } });
    });
    const final = graded ?? (await this.attempts.get(attempt.id));
    if (graded) {
      this.logger.log({
        msg: 'attempt graded',
        attemptId: attempt.id,
        kind: attempt.kind,
        sourceId: attempt.sourceId,
        percent: result.totals.percent,
      });
    }
    return final as AttemptEntity;
  }

  /** A submitted attempt with its feedback (recomputed from the saved answers and the module). */
  async graded(learner: PlayerLearner, attemptId: string): Promise<GradedAttempt> {
    const open = await this.open(learner, attemptId);
    if (open.attempt.status !== 'submitted') {
      throw new CurriculaException(CurriculaErrorCode.ATTEMPT_NOT_FOUND, 'Not submitted yet.', {
        attemptId,
      });
    }
    const sameVersion =
      open.attempt.kind !== 'module' ||
      ('version' in open.source && open.source.version === open.attempt.version);
    const answers = sameVersion ? toModelAnswers(open.source, open.responses, open.attempt.id) : {};
    return {
      ...open,
      answers,
      result: sameVersion ? gradeAttempt(open.source, answers) : null,
    };
  }

  // ---- internals -------------------------------------------------------------------------------

  private sourceOf(attempt: AttemptEntity): AssessmentSource {
    if (attempt.kind === 'module') {
      return this.catalog.get(attempt.sourceId);
    }
    return this.catalog.bandCheck(attempt.band as BandId);
  }

  private async abandon(attempt: AttemptEntity): Promise<void> {
    await this.transaction((m) =>
      m
        .getRepository(AttemptEntity)
        .update({ id: attempt.id, status: 'in_progress' }, { status: 'abandoned' }),
    );
  }

  private async insertAttempt(
    m: EntityManager,
    learner: PlayerLearner,
    values: {
      kind: AttemptKind;
      sourceId: string;
      band: string;
      version: number;
      linkKey: string;
      number: number;
      preview: boolean;
      status: AttemptEntity['status'];
    },
  ): Promise<AttemptEntity> {
    const repo = m.getRepository(AttemptEntity);
    const row = repo.create({
      id: randomUUID(),
      ...values,
      userId: learner.userId,
      contextId: learner.contextId,
      contextTitle: (learner.contextTitle ?? '').slice(0, 200),
      resourceLinkId: values.kind === 'module' ? learner.resourceLinkId : null,
      schoolOrgNodeId: learner.schoolOrgNodeId,
      launchId: learner.launchId,
      position: 0,
      earned: null,
      maxPoints: null,
      percent: null,
      passed: null,
      keptPercent: null,
      mastery: null,
      submittedAt: null,
    });
    await repo.insert(row);
    return repo.findOneOrFail({ where: { id: row.id } });
  }

  /** One upsert for every item: graded rows feed item analysis (unanswered items count too). */
  private async writeGradedAnswers(
    m: EntityManager,
    attempt: AttemptEntity,
    source: AssessmentSource,
    responses: ReadonlyMap<string, unknown>,
    answers: Readonly<Record<string, unknown>>,
    result: AttemptResult,
  ): Promise<void> {
    const byId = new Map(result.items.map((r) => [r.itemId, r]));
    const rows = itemsOf(source).map((item) => {
      const r = byId.get(item.id);
      return {
        id: randomUUID(),
        attemptId: attempt.id,
        itemId: item.id,
        response: (responses.get(item.id) ?? null) as SavedResponse | null,
        contextId: attempt.contextId,
        sourceId: attempt.sourceId,
        version: attempt.version,
        attemptNumber: attempt.number,
        preview: attempt.preview,
        graded: true,
        answerKey: answerKeyOf(item, answers[item.id]),
        score: r?.score ?? 0,
        correct: r?.correct ?? false,
        misconception: (r?.misconceptions.length ?? 0) > 0,
      };
    });
    await m
      .createQueryBuilder()
      .insert()
      .into(AttemptAnswerEntity)
      .values(rows)
      .orUpdate(
        ['graded', 'answer_key', 'score', 'correct', 'misconception'],
        ['attempt_id', 'item_id'],
      )
      .execute();
  }

  /** The link's score after this attempt: the best of all, or this one (policy "latest"). */
  private async keptScore(
    m: EntityManager,
    attempt: AttemptEntity,
    result: AttemptResult,
  ): Promise<AttemptGradedEvent['kept']> {
    const policy = await this.attempts.policy(attempt.linkKey, m);
    let earned = result.totals.earned;
    let percent = result.totals.percent;
    if (policy.scorePolicy === 'best') {
      const earlier = await m.getRepository(AttemptEntity).find({
        where: {
          userId: attempt.userId,
          kind: attempt.kind,
          sourceId: attempt.sourceId,
          linkKey: attempt.linkKey,
          preview: attempt.preview,
          status: In(['submitted']),
        },
        select: ['id', 'earned', 'percent', 'version'],
      });
      for (const other of earlier) {
        // Scores of another module version were out of another total: compare percentages.
        if (other.id !== attempt.id && (other.percent ?? 0) > percent) {
          percent = other.percent ?? 0;
          earned = Math.round((percent / 100) * result.totals.max * 10_000) / 10_000;
        }
      }
    }
    return { earned, percent, policy: policy.scorePolicy };
  }

  private transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const run = (): Promise<T> => this.queue.transaction(work);
    return isPostgres() ? run() : this.serial.run(run);
  }
}

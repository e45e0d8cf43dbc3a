import { FastSql } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, MoreThanOrEqual } from 'typeorm';
import {
  AttemptAnswerEntity,
  AttemptEntity,
  AttemptKind,
  AttemptPolicyEntity,
  SavedResponse,
  ScorePolicy,
} from '../entities/attempt.entity';
import type { MasteryLevel, ObjectiveMastery } from '../models/attempt.model';
import type { AttemptPolicy, PlayerLearner } from '../models/player.model';

/** Without a teacher's setting: three attempts, the best score counts. */
export const DEFAULT_ATTEMPT_POLICY: AttemptPolicy = { maxAttempts: 3, scorePolicy: 'best' };

/** The retry scope of an attempt: the resource link within the class (modules), the class (checks). */
export function linkKeyOf(
  kind: AttemptKind,
  learner: Pick<PlayerLearner, 'contextId' | 'resourceLinkId'>,
): string {
  const context = learner.contextId ?? '-';
  return kind === 'module' ? `${context}|${learner.resourceLinkId ?? '-'}` : context;
}

/** One learner's standing on one module in a class. */
export interface LearnerModuleProgress {
  userId: string;
  moduleId: string;
  band: string;
  /** Submitted attempts. */
  attempts: number;
  inProgress: boolean;
  best: number | null;
  latest: number | null;
  /** The score kept under the link's policy, as last sent to the gradebook. */
  kept: number | null;
  passed: boolean;
  lastActivityAt: Date;
  /** Mastery of the latest submitted attempt. */
  mastery: ObjectiveMastery[];
}

/** Item analysis of one item over the first attempts of a class. */
export interface ItemStats {
  itemId: string;
  /** First attempts graded. */
  responses: number;
  answered: number;
  correct: number;
  /** correct / responses, 0..1 (null without responses). */
  correctShare: number | null;
  /** Wrong answers, most common first (answer keys in model ids). */
  wrongAnswers: Array<{ answerKey: string; count: number; misconception: boolean }>;
}

export interface CheckScores {
  userId: string;
  band: string;
  pre: number | null;
  post: number | null;
}

/** A completion as @lib/messaging reads it for progress digests. */
export interface CompletionRecord {
  /** LTI user id. */
  studentId: string;
  moduleId: string;
  completedAt: Date;
  scorePercent: number;
  passed: boolean;
}

/** Figures of one class and module for the school view (aggregates only, no learner). */
export interface SchoolClassModule {
  contextId: string | null;
  contextTitle: string;
  moduleId: string;
  learners: number;
  completed: number;
  passed: number;
  averagePercent: number | null;
}

/** How long the lesson's first page may show a policy another process changed (policyForPage). */
export const POLICY_PAGE_TTL_MS = 10_000;
const POLICY_PAGE_CACHE_LIMIT = 5000;

const toBool = (value: unknown): boolean =>
  value === true || value === 1 || value === '1' || value === 't';
const toNum = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/**
 * Attempts and their answers: policies per link, saving as the learner goes, and the figures
 * teachers and other libs read (class progress, item analysis, pre/post gain, completions).
 */
@Injectable()
export class AttemptsService {
  private readonly pagePolicies = new Map<string, { at: number; policy: AttemptPolicy }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sql: FastSql,
  ) {}

  // ---- policies ------------------------------------------------------------------------------

  async policy(linkKey: string, manager?: EntityManager): Promise<AttemptPolicy> {
    // Outside a transaction (the lesson's first page): a cached statement, not the query builder.
    const row = manager
      ? await manager.getRepository(AttemptPolicyEntity).findOne({ where: { linkKey } })
      : (
          await this.sql.find(
            AttemptPolicyEntity,
            this.sql.select(AttemptPolicyEntity, { linkKey }, ['maxAttempts', 'scorePolicy'], {
              limit: 1,
            }),
          )
        )[0];
    return row
      ? { maxAttempts: row.maxAttempts, scorePolicy: row.scorePolicy }
      : { ...DEFAULT_ATTEMPT_POLICY };
  }

  /**
   * The policy as the lesson's first page shows it: read at most every POLICY_PAGE_TTL_MS per
   * link (every learner's launch of a link reads the same row). Only for display: starting and
   * grading read the policy inside their transactions. A change saved by this process shows at
   * once; one saved by another process (several app instances on PostgreSQL) within the TTL.
   */
  async policyForPage(linkKey: string): Promise<AttemptPolicy> {
    const hit = this.pagePolicies.get(linkKey);
    if (hit && Date.now() - hit.at < POLICY_PAGE_TTL_MS) {
      return { ...hit.policy };
    }
    const policy = await this.policy(linkKey);
    if (this.pagePolicies.size >= POLICY_PAGE_CACHE_LIMIT) {
      this.pagePolicies.delete(this.pagePolicies.keys().next().value!);
    }
    this.pagePolicies.set(linkKey, { at: Date.now(), policy });
    return { ...policy };
  }

  async setPolicy(
    linkKey: string,
    policy: AttemptPolicy,
    teacherUserId: string,
  ): Promise<AttemptPolicy> {
    const maxAttempts = Math.max(0, Math.min(20, Math.trunc(policy.maxAttempts)));
    const scorePolicy: ScorePolicy = policy.scorePolicy === 'latest' ? 'latest' : 'best';
    const repo = this.dataSource.getRepository(AttemptPolicyEntity);
    const existing = await repo.findOne({ where: { linkKey }, select: ['id'] });
    if (existing) {
      await repo.update(
        { id: existing.id },
        { maxAttempts, scorePolicy, updatedBy: teacherUserId },
      );
    } else {
      await repo.insert({
        id: randomUUID(),
        linkKey,
        maxAttempts,
        scorePolicy,
        updatedBy: teacherUserId,
      });
    }
    this.pagePolicies.delete(linkKey);
    return { maxAttempts, scorePolicy };
  }

  // ---- attempts ------------------------------------------------------------------------------

  async get(
    attemptId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AttemptEntity | null> {
    return manager.getRepository(AttemptEntity).findOne({ where: { id: attemptId } });
  }

  /** A learner's attempts at one source on one link, oldest first. */
  async list(
    userId: string,
    kind: AttemptKind,
    sourceId: string,
    linkKey: string,
    manager?: EntityManager,
  ): Promise<AttemptEntity[]> {
    if (!manager) {
      return this.sql.find(
        AttemptEntity,
        this.sql.select(AttemptEntity, { userId, kind, sourceId, linkKey }, undefined, {
          orderBy: 'number',
        }),
      );
    }
    return manager
      .getRepository(AttemptEntity)
      .find({ where: { userId, kind, sourceId, linkKey }, order: { number: 'ASC' } });
  }

  /** A learner's attempts of one kind in a band and class (band checks, modules of the band). */
  async inBand(
    userId: string,
    kind: AttemptKind,
    band: string,
    contextId: string | null,
    manager?: EntityManager,
  ): Promise<AttemptEntity[]> {
    if (!manager) {
      return (await this.allInBand(userId, band, contextId)).filter((a) => a.kind === kind);
    }
    const qb = manager
      .getRepository(AttemptEntity)
      .createQueryBuilder('a')
      .where('a.userId = :userId AND a.kind = :kind AND a.band = :band', { userId, kind, band })
      .orderBy('a.number', 'ASC');
    if (contextId) {
      qb.andWhere('a.contextId = :contextId', { contextId });
    } else {
      qb.andWhere('a.contextId IS NULL');
    }
    return qb.getMany();
  }

  /** A learner's attempts of every kind in a band and class, in number order: one read. */
  async allInBand(
    userId: string,
    band: string,
    contextId: string | null,
  ): Promise<AttemptEntity[]> {
    return this.sql.find(
      AttemptEntity,
      this.sql.select(AttemptEntity, { userId, band, contextId }, undefined, {
        orderBy: 'number',
      }),
    );
  }

  /** Saved responses of an attempt: item id → response in public ids. */
  async responses(
    attemptId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, unknown>> {
    const rows = await manager
      .getRepository(AttemptAnswerEntity)
      .find({ where: { attemptId }, select: ['itemId', 'response'] });
    return new Map(
      rows
        .filter((r) => r.response !== null && r.response !== undefined)
        .map((r) => [r.itemId, r.response]),
    );
  }

  async answerRows(attemptId: string): Promise<AttemptAnswerEntity[]> {
    return this.dataSource.getRepository(AttemptAnswerEntity).find({ where: { attemptId } });
  }

  /** Saves (or clears, with null) one item's response of an in-progress attempt: one upsert. */
  async saveResponse(
    attempt: AttemptEntity,
    itemId: string,
    response: unknown,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(AttemptAnswerEntity)
      .values({
        id: randomUUID(),
        attemptId: attempt.id,
        itemId,
        response: (response ?? null) as SavedResponse | null,
        contextId: attempt.contextId,
        sourceId: attempt.sourceId,
        version: attempt.version,
        attemptNumber: attempt.number,
        preview: attempt.preview,
        graded: false,
      })
      .orUpdate(['response', 'saved_at'], ['attempt_id', 'item_id'])
      .execute();
  }

  /** Moves the resume point forward (never back) while the attempt is open. */
  async touchPosition(attemptId: string, position: number): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(AttemptEntity)
      .set({ position })
      .where('id = :attemptId AND position < :position AND status = :status', {
        attemptId,
        position,
        status: 'in_progress',
      })
      .execute();
  }

  // ---- figures for teachers --------------------------------------------------------------------

  /** Every learner's progress on every module attempted in a class (teacher previews excluded). */
  async classProgress(contextId: string): Promise<LearnerModuleProgress[]> {
    const rows = await this.dataSource.getRepository(AttemptEntity).find({
      where: {
        contextId,
        kind: 'module',
        preview: false,
        status: In(['in_progress', 'submitted']),
      },
      order: { number: 'ASC' },
    });
    const byKey = new Map<string, LearnerModuleProgress>();
    for (const row of rows) {
      const key = `${row.userId}|${row.sourceId}`;
      let entry = byKey.get(key);
      if (!entry) {
        entry = {
          userId: row.userId,
          moduleId: row.sourceId,
          band: row.band,
          attempts: 0,
          inProgress: false,
          best: null,
          latest: null,
          kept: null,
          passed: false,
          lastActivityAt: row.updatedAt,
          mastery: [],
        };
        byKey.set(key, entry);
      }
      if (row.updatedAt > entry.lastActivityAt) {
        entry.lastActivityAt = row.updatedAt;
      }
      if (row.status === 'in_progress') {
        entry.inProgress = true;
        continue;
      }
      entry.attempts += 1;
      const percent = row.percent ?? 0;
      entry.best = entry.best === null ? percent : Math.max(entry.best, percent);
      entry.latest = percent;
      entry.kept = row.keptPercent ?? percent;
      entry.passed = entry.passed || Boolean(row.passed);
      entry.mastery = row.mastery ?? [];
    }
    return [...byKey.values()];
  }

  /** Modules with any attempt in a class, most used first. */
  async modulesOfClass(contextId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(AttemptEntity)
      .createQueryBuilder('a')
      .select('a.sourceId', 'moduleId')
      .addSelect('COUNT(*)', 'n')
      .where("a.contextId = :contextId AND a.kind = 'module' AND a.preview = :preview", {
        contextId,
        preview: false,
      })
      .groupBy('a.sourceId')
      .orderBy('n', 'DESC')
      .getRawMany<{ moduleId: string; n: string | number }>();
    return rows.map((r) => r.moduleId);
  }

  /**
   * Item analysis of a module in a class over each learner's first attempt (later attempts
   * come after feedback and would flatter the items), for one module version.
   */
  async itemAnalysis(contextId: string, moduleId: string, version: number): Promise<ItemStats[]> {
    const rows = await this.dataSource
      .getRepository(AttemptAnswerEntity)
      .createQueryBuilder('r')
      .select('r.itemId', 'itemId')
      .addSelect('r.answerKey', 'answerKey')
      .addSelect('r.correct', 'correct')
      .addSelect('r.misconception', 'misconception')
      .addSelect('COUNT(*)', 'n')
      .where(
        'r.contextId = :contextId AND r.sourceId = :moduleId AND r.version = :version AND r.graded = :graded AND r.preview = :preview AND r.attemptNumber = 1',
        { contextId, moduleId, version, graded: true, preview: false },
      )
      .groupBy('r.itemId')
      .addGroupBy('r.answerKey')
      .addGroupBy('r.correct')
      .addGroupBy('r.misconception')
      .getRawMany<Record<string, unknown>>();
    const byItem = new Map<string, ItemStats>();
    for (const row of rows) {
      const itemId = String(row.itemId);
      const n = Number(row.n);
      let stats = byItem.get(itemId);
      if (!stats) {
        stats = {
          itemId,
          responses: 0,
          answered: 0,
          correct: 0,
          correctShare: null,
          wrongAnswers: [],
        };
        byItem.set(itemId, stats);
      }
      stats.responses += n;
      const key = typeof row.answerKey === 'string' ? row.answerKey : null;
      if (key !== null) {
        stats.answered += n;
      }
      if (toBool(row.correct)) {
        stats.correct += n;
      } else if (key !== null) {
        stats.wrongAnswers.push({
          answerKey: key,
          count: n,
          misconception: toBool(row.misconception),
        });
      }
    }
    for (const stats of byItem.values()) {
      stats.correctShare = stats.responses ? stats.correct / stats.responses : null;
      stats.wrongAnswers.sort(
        (a, b) => b.count - a.count || a.answerKey.localeCompare(b.answerKey),
      );
    }
    return [...byItem.values()];
  }

  /** Band pre/post check scores of a class (latest submitted of each kind per learner and band). */
  async checkScores(contextId: string): Promise<CheckScores[]> {
    const rows = await this.dataSource.getRepository(AttemptEntity).find({
      where: { contextId, kind: In(['pre', 'post']), status: 'submitted', preview: false },
      select: ['userId', 'band', 'kind', 'percent', 'number'],
      order: { number: 'ASC' },
    });
    const out = new Map<string, CheckScores>();
    for (const row of rows) {
      const key = `${row.userId}|${row.band}`;
      const entry = out.get(key) ?? { userId: row.userId, band: row.band, pre: null, post: null };
      if (row.kind === 'pre') {
        entry.pre = row.percent;
      } else {
        entry.post = row.percent;
      }
      out.set(key, entry);
    }
    return [...out.values()];
  }

  /** Aggregates of a school's classes per module (no learner ids leave this method). */
  async schoolSummary(schoolOrgNodeId: string): Promise<SchoolClassModule[]> {
    const rows = await this.dataSource
      .getRepository(AttemptEntity)
      .createQueryBuilder('a')
      .select('a.contextId', 'contextId')
      .addSelect('MAX(a.contextTitle)', 'contextTitle')
      .addSelect('a.sourceId', 'moduleId')
      .addSelect('COUNT(DISTINCT a.userId)', 'learners')
      .addSelect("COUNT(DISTINCT CASE WHEN a.status = 'submitted' THEN a.userId END)", 'completed')
      .addSelect('COUNT(DISTINCT CASE WHEN a.passed = :yes THEN a.userId END)', 'passed')
      .addSelect("AVG(CASE WHEN a.status = 'submitted' THEN a.percent END)", 'average')
      .where("a.schoolOrgNodeId = :schoolOrgNodeId AND a.kind = 'module' AND a.preview = :no", {
        schoolOrgNodeId,
        no: false,
      })
      .andWhere("a.status IN ('in_progress', 'submitted')")
      .setParameter('yes', true)
      .groupBy('a.contextId')
      .addGroupBy('a.sourceId')
      .getRawMany<Record<string, unknown>>();
    return rows
      .map((r) => ({
        contextId: (r.contextId as string | null) ?? null,
        contextTitle: typeof r.contextTitle === 'string' ? r.contextTitle : '',
        moduleId: String(r.moduleId),
        learners: Number(r.learners),
        completed: Number(r.completed),
        passed: Number(r.passed),
        averagePercent: toNum(r.average) === null ? null : Math.round(Number(r.average) * 10) / 10,
      }))
      .sort(
        (a, b) =>
          a.contextTitle.localeCompare(b.contextTitle) || a.moduleId.localeCompare(b.moduleId),
      );
  }

  /**
   * Module completions of these learners since a moment, for @lib/messaging's progress digests:
   * every submitted module attempt (teacher previews excluded), oldest first.
   */
  async completionsSince(input: {
    studentIds: string[];
    since: Date;
  }): Promise<CompletionRecord[]> {
    const ids = [...new Set(input.studentIds)].filter(Boolean);
    const out: CompletionRecord[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.dataSource.getRepository(AttemptEntity).find({
        where: {
          userId: In(ids.slice(i, i + 500)),
          kind: 'module',
          status: 'submitted',
          preview: false,
          submittedAt: MoreThanOrEqual(input.since),
        },
        select: ['userId', 'sourceId', 'submittedAt', 'percent', 'passed'],
        order: { submittedAt: 'ASC' },
      });
      out.push(
        ...rows.map((r) => ({
          studentId: r.userId,
          moduleId: r.sourceId,
          completedAt: r.submittedAt as Date,
          scorePercent: r.percent ?? 0,
          passed: Boolean(r.passed),
        })),
      );
    }
    return out.sort((a, b) => a.completedAt.getTime() - b.completedAt.getTime());
  }
}

/** How many learners reached each mastery level per objective (latest attempts). */
export function masteryDistribution(
  progress: LearnerModuleProgress[],
): Map<string, Record<MasteryLevel, number>> {
  const out = new Map<string, Record<MasteryLevel, number>>();
  for (const entry of progress) {
    for (const m of entry.mastery) {
      const counts = out.get(m.objective) ?? {
        secure: 0,
        developing: 0,
        emerging: 0,
        misconception: 0,
      };
      counts[m.level] += 1;
      out.set(m.objective, counts);
    }
  }
  return out;
}

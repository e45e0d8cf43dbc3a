import { QueueService } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  LtiLaunchEntity,
  LtiUserEntity,
  ScoreDeliveryEntity,
  ScoreDeliveryStatus,
} from '../entities/lti.entities';
import { JOB } from '../lti.constants';
import { LtiErrorCode, LtiException } from '../lti.exception';

export type ActivityProgress = 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
export type GradingProgress = 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';

export interface RecordScoreInput {
  launchId: string;
  /** The attempt being graded; one delivery per attempt, whatever happens. */
  attemptId: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: ActivityProgress;
  gradingProgress: GradingProgress;
  comment?: string;
}

/** A score delivery as the teacher view shows it. */
export interface ScoreDeliveryView {
  id: string;
  attemptId: string;
  userId: string;
  displayName: string;
  moduleId: string | null;
  scoreGiven: number;
  scoreMaximum: number;
  status: ScoreDeliveryStatus | 'skipped';
  attempts: number;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/**
 * Grade passback (AGS). `recordScore` runs inside the caller's grading transaction: it writes
 * the `score_delivery` row and enqueues the `lti.ags-score` job in the same commit, idempotent
 * per attempt. The job posts the score, retrying with backoff on 5xx/429 (honouring
 * Retry-After), and works for days after the launch: it reads the launch row, not the id_token.
 */
@Injectable()
export class GradePassbackService {
  private readonly logger = new Logger(GradePassbackService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: QueueService,
  ) {}

  /** Call inside `QueueService.transaction(manager => …)`. Returns the delivery (existing or new). */
  async recordScore(
    manager: EntityManager,
    input: RecordScoreInput,
  ): Promise<{ deliveryId: string; jobId: string | null }> {
    const repo = manager.getRepository(ScoreDeliveryEntity);
    const existing = await repo.findOne({
      where: { attemptId: input.attemptId },
      select: ['id', 'jobId'],
    });
    if (existing) {
      return { deliveryId: existing.id, jobId: existing.jobId };
    }
    if (
      !Number.isFinite(input.scoreGiven) ||
      !Number.isFinite(input.scoreMaximum) ||
      input.scoreMaximum <= 0
    ) {
      throw new LtiException(LtiErrorCode.CLAIM_MISSING, 'Score out of range.', { claim: 'score' });
    }
    const launch = await manager.getRepository(LtiLaunchEntity).findOne({
      where: { id: input.launchId },
    });
    if (!launch) {
      throw new LtiException(LtiErrorCode.LAUNCH_TOKEN_INVALID, 'Unknown launch.', {
        launchId: input.launchId,
      });
    }
    const gradable =
      Boolean(launch.agsLineItem || launch.agsLineItems) &&
      (launch.agsScopes ?? []).some((s) => s.endsWith('/scope/score'));
    const id = randomUUID();
    await repo.insert({
      id,
      attemptId: input.attemptId,
      launchId: launch.id,
      contextRowId: launch.contextRowId,
      userId: launch.userId,
      moduleId: launch.moduleId,
      scoreGiven: input.scoreGiven,
      scoreMaximum: input.scoreMaximum,
      activityProgress: input.activityProgress,
      gradingProgress: input.gradingProgress,
      comment: input.comment?.slice(0, 1000) ?? null,
      timestamp: new Date(),
      status: gradable ? 'pending' : 'failed',
      lastError: gradable ? null : 'The platform offers no grade service (AGS) for this link.',
      lineItemUrl: launch.agsLineItem,
      attempts: 0,
      jobId: null,
      deliveredAt: null,
    });
    if (!gradable) {
      return { deliveryId: id, jobId: null };
    }
    const jobId = await this.queue.enqueue(
      JOB.AGS_SCORE,
      { deliveryId: id },
      { manager, dedupeKey: `ags:${input.attemptId}`, maxAttempts: 10 },
    );
    await repo.update({ id }, { jobId });
    this.logger.log({ msg: 'score recorded', deliveryId: id, launchId: launch.id, jobId });
    return { deliveryId: id, jobId };
  }

  /** Deliveries of a class (LTI context), newest first, for the teacher view. */
  async listForContext(contextRowId: string): Promise<ScoreDeliveryView[]> {
    const rows = await this.dataSource
      .getRepository(ScoreDeliveryEntity)
      .find({ where: { contextRowId }, order: { createdAt: 'DESC' } });
    const users = rows.length
      ? await this.dataSource
          .getRepository(LtiUserEntity)
          .createQueryBuilder('u')
          .where('u.id IN (:...ids)', { ids: [...new Set(rows.map((r) => r.userId))] })
          .getMany()
      : [];
    const names = new Map(users.map((u) => [u.id, u.displayName]));
    return rows.map((r) => ({
      id: r.id,
      attemptId: r.attemptId,
      userId: r.userId,
      displayName: names.get(r.userId) ?? '',
      moduleId: r.moduleId,
      scoreGiven: r.scoreGiven,
      scoreMaximum: r.scoreMaximum,
      status: r.status,
      attempts: r.attempts,
      lastError: r.lastError,
      deliveredAt: r.deliveredAt,
      createdAt: r.createdAt,
    }));
  }

  async get(deliveryId: string): Promise<ScoreDeliveryEntity | null> {
    return this.dataSource
      .getRepository(ScoreDeliveryEntity)
      .findOne({ where: { id: deliveryId } });
  }

  /** The teacher's "retry" on a failed delivery; false when it is not failed (or has no job). */
  async retry(deliveryId: string): Promise<boolean> {
    const row = await this.get(deliveryId);
    if (!row || row.status !== 'failed' || !row.jobId) {
      return false;
    }
    await this.dataSource
      .getRepository(ScoreDeliveryEntity)
      .update({ id: row.id }, { status: 'pending', lastError: null });
    const ok = await this.queue.retry(row.jobId);
    if (!ok) {
      await this.dataSource
        .getRepository(ScoreDeliveryEntity)
        .update({ id: row.id }, { status: 'failed' });
    }
    this.logger.log({ msg: 'score delivery retried', deliveryId, ok });
    return ok;
  }
}

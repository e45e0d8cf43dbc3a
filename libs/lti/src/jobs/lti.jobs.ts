import { JobHandler, JobRunner, PermanentJobError, QueueService, RetryLaterError } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan, Not } from 'typeorm';
import {
  LtiContextEntity,
  LtiLaunchEntity,
  LtiLoginEntity,
  LtiRetiredKeyEntity,
  ScoreDeliveryEntity,
} from '../entities/lti.entities';
import { JOB, LAUNCH_RETENTION_MS } from '../lti.constants';
import { LtijsService } from '../services/ltijs.service';
import { PlatformHttpError } from '../services/platform-http.service';
import { RosterService } from '../services/roster.service';

/** Roster sync of one class (after a teacher launch, and on the schedule below). */
@Injectable()
@JobHandler(JOB.NRPS_SYNC, { maxAttempts: 5, timeoutMs: 120_000 })
export class NrpsSyncJob implements JobRunner<{ contextRowId: string }> {
  constructor(private readonly roster: RosterService) {}

  async run(payload: { contextRowId: string }): Promise<void> {
    try {
      await this.roster.sync(payload.contextRowId);
    } catch (err) {
      if (err instanceof PlatformHttpError && err.status < 500 && err.status !== 429) {
        throw new PermanentJobError(err.message);
      }
      throw new RetryLaterError(
        err instanceof Error ? err.message : String(err),
        err instanceof PlatformHttpError ? err.retryAfterMs : undefined,
      );
    }
  }
}

const ROSTER_MAX_AGE_MS = 6 * 3600_000;

/** Every hour: queue a roster sync for classes not synced in the last six hours. */
@Injectable()
@JobHandler(JOB.NRPS_SYNC_ALL, { everySeconds: 3600, maxAttempts: 2 })
export class NrpsSyncAllJob implements JobRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: QueueService,
  ) {}

  async run(): Promise<void> {
    const stale = new Date(Date.now() - ROSTER_MAX_AGE_MS);
    const contexts = await this.dataSource.getRepository(LtiContextEntity).find({
      where: [
        { membershipsUrl: Not(IsNull()), rosterSyncedAt: IsNull() },
        { membershipsUrl: Not(IsNull()), rosterSyncedAt: LessThan(stale) },
      ],
      select: ['id'],
      take: 500,
    });
    const slot = Math.floor(Date.now() / 600_000);
    for (const c of contexts) {
      await this.queue.enqueue(
        JOB.NRPS_SYNC,
        { contextRowId: c.id },
        { dedupeKey: `nrps:${c.id}:${slot}`, maxAttempts: 5 },
      );
    }
  }
}

/**
 * Every ten minutes: expired ltijs rows (nonces, states, tokens), stale logins, retired tool
 * keys past their grace period, and old launch rows.
 */
@Injectable()
@JobHandler(JOB.CLEANUP, { everySeconds: 600, maxAttempts: 2 })
export class LtiCleanupJob implements JobRunner {
  private readonly logger = new Logger(LtiCleanupJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ltijs: LtijsService,
  ) {}

  async run(): Promise<void> {
    const now = new Date();
    const ltijsRows = await this.ltijs.store.purgeExpired(now);
    const logins = await this.dataSource
      .getRepository(LtiLoginEntity)
      .delete({ expiresAt: LessThan(now) });
    const retiredKeys = await this.dataSource
      .getRepository(LtiRetiredKeyEntity)
      .delete({ expiresAt: LessThan(now) });
    const launches = await this.purgeLaunches(now);
    this.logger.log({
      msg: 'lti cleanup',
      ltijsRows,
      logins: logins.affected ?? 0,
      retiredKeys: retiredKeys.affected ?? 0,
      launches,
    });
  }

  /**
   * Launch rows (one per launch, the `lt` token's target) whose token expired more than
   * {@link LAUNCH_RETENTION_MS} ago, in batches; a launch an undelivered (pending or failed)
   * score delivery still posts through is kept until that score is delivered.
   */
  async purgeLaunches(now = new Date(), batch = 500): Promise<number> {
    const cutoff = new Date(now.getTime() - LAUNCH_RETENTION_MS);
    const repo = this.dataSource.getRepository(LtiLaunchEntity);
    let total = 0;
    for (;;) {
      const rows = await repo
        .createQueryBuilder('l')
        .select('l.id', 'id')
        .where('l.expiresAt < :cutoff', { cutoff })
        .andWhere(
          (qb) =>
            `NOT EXISTS ${qb
              .subQuery()
              .select('1')
              .from(ScoreDeliveryEntity, 'd')
              .where('d.launchId = l.id')
              .andWhere('d.status != :delivered')
              .getQuery()}`,
        )
        .setParameter('delivered', 'delivered')
        .orderBy('l.expiresAt', 'ASC')
        .limit(batch)
        .getRawMany<{ id: string }>();
      if (rows.length === 0) {
        return total;
      }
      const res = await repo.delete({ id: In(rows.map((r) => r.id)) });
      total += res.affected ?? rows.length;
      if (rows.length < batch) {
        return total;
      }
    }
  }
}

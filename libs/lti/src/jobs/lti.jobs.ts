import { JobHandler, JobRunner, PermanentJobError, QueueService, RetryLaterError } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan, Not } from 'typeorm';
import { LtiContextEntity, LtiLoginEntity } from '../entities/lti.entities';
import { JOB } from '../lti.constants';
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

/** Every ten minutes: expired ltijs rows (nonces, states, tokens) and used or stale logins. */
@Injectable()
@JobHandler(JOB.CLEANUP, { everySeconds: 600, maxAttempts: 2 })
export class LtiCleanupJob implements JobRunner {
  private readonly logger = new Logger(LtiCleanupJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ltijs: LtijsService,
  ) {}

  async run(): Promise<void> {
    const ltijsRows = await this.ltijs.store.purgeExpired();
    const logins = await this.dataSource
      .getRepository(LtiLoginEntity)
      .delete({ expiresAt: LessThan(new Date()) });
    this.logger.log({ msg: 'lti cleanup', ltijsRows, logins: logins.affected ?? 0 });
  }
}

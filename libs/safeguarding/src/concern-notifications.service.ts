import { PermanentJobError, RetryLaterError } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Brackets, DataSource } from 'typeorm';
import { AuditEntry, ConcernAuditService } from './audit/concern-audit.service';
import {
  ConcernNotificationEntity,
  ConcernNotificationKind,
} from './entities/concern-notification.entity';
import { SafeguardingClock } from './safeguarding.clock';

/**
 * How long a run's claim on a notification holds. A run that died mid-send leaves the row
 * `sending`; only after this may another run send it again (the job timeout is 5 minutes too).
 */
export const NOTIFICATION_CLAIM_MS = 5 * 60_000;

export interface OwedNotification {
  dedupeKey: string;
  reportId: string;
  kind: ConcernNotificationKind;
  accountId?: string | null;
}

export type DeliveryOutcome = 'sent' | 'already_sent' | 'failed_before';

/**
 * Sends each owed e-mail at most once, whatever the queue does. The notification row is claimed
 * (conditional UPDATE) before the send and marked `sent` in its own statement right after the
 * server accepted it; the audit entry follows separately, so a failure there is retried without
 * sending again. What stays open (ADR 0704): a process killed between the server's 250 and the
 * `sent` UPDATE resends once after the claim expires, with the same Message-ID.
 */
@Injectable()
export class ConcernNotificationsService {
  private readonly logger = new Logger(ConcernNotificationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: ConcernAuditService,
    private readonly clock: SafeguardingClock,
  ) {}

  private get rows() {
    return this.dataSource.getRepository(ConcernNotificationEntity);
  }

  async deliver(
    owed: OwedNotification,
    send: () => Promise<void>,
    audit: AuditEntry,
    afterSent?: (at: Date) => Promise<void>,
  ): Promise<DeliveryOutcome> {
    const row = await this.ensure(owed);
    if (row.status === 'failed') {
      return 'failed_before';
    }
    if (row.status === 'sent') {
      await this.finish(row.id, audit, afterSent, row.sentAt ?? this.clock.now());
      return 'already_sent';
    }
    const now = new Date();
    const claimed = await this.rows
      .createQueryBuilder()
      .update(ConcernNotificationEntity)
      .set({ status: 'sending', claimedAt: now, attempts: () => 'attempts + 1' })
      .where('id = :id', { id: row.id })
      .andWhere(
        new Brackets((qb) =>
          qb.where("status = 'pending'").orWhere("status = 'sending' AND claimed_at < :stale", {
            stale: new Date(now.getTime() - NOTIFICATION_CLAIM_MS),
          }),
        ),
      )
      .execute();
    if (!claimed.affected) {
      const current = await this.rows.findOneByOrFail({ id: row.id });
      if (current.status === 'sent') {
        await this.finish(row.id, audit, afterSent, current.sentAt ?? this.clock.now());
        return 'already_sent';
      }
      if (current.status === 'failed') {
        return 'failed_before';
      }
      // Another run holds it (or died holding it): try again once its claim has run out.
      const wait = (current.claimedAt?.getTime() ?? now.getTime()) + NOTIFICATION_CLAIM_MS;
      throw new RetryLaterError(
        'Notification is being sent by another run.',
        Math.max(1000, wait - now.getTime()),
      );
    }
    try {
      await send();
    } catch (err) {
      const permanent = err instanceof PermanentJobError;
      await this.rows.update(
        { id: row.id, status: 'sending' },
        { status: permanent ? 'failed' : 'pending', claimedAt: null },
      );
      this.logger.warn({
        msg: permanent ? 'concern notification refused' : 'concern notification will be retried',
        reportId: owed.reportId,
        kind: owed.kind,
        notificationId: row.id,
      });
      throw err;
    }
    const sentAt = this.clock.now();
    await this.rows.update({ id: row.id }, { status: 'sent', sentAt });
    await this.finish(row.id, audit, afterSent, sentAt);
    this.logger.log({
      msg: 'concern notification sent',
      reportId: owed.reportId,
      kind: owed.kind,
      notificationId: row.id,
      ...(owed.accountId ? { accountId: owed.accountId } : {}),
    });
    return 'sent';
  }

  /** Notifications of a report (ids and states; for the lead's page and tests). */
  forReport(reportId: string): Promise<ConcernNotificationEntity[]> {
    return this.rows.find({ where: { reportId }, order: { createdAt: 'ASC' } });
  }

  private async ensure(owed: OwedNotification): Promise<ConcernNotificationEntity> {
    const existing = await this.rows.findOne({ where: { dedupeKey: owed.dedupeKey } });
    if (existing) {
      return existing;
    }
    try {
      await this.rows.insert({
        id: randomUUID(),
        dedupeKey: owed.dedupeKey,
        reportId: owed.reportId,
        kind: owed.kind,
        accountId: owed.accountId ?? null,
        status: 'pending',
        attempts: 0,
        claimedAt: null,
        sentAt: null,
        audited: false,
      });
    } catch {
      // Inserted by a run racing this one: its row is the one.
    }
    return this.rows.findOneOrFail({ where: { dedupeKey: owed.dedupeKey } });
  }

  /** The audit entry (and the caller's bookkeeping) once per sent row. */
  private async finish(
    id: string,
    entry: AuditEntry,
    afterSent: ((at: Date) => Promise<void>) | undefined,
    sentAt: Date,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const res = await m
        .getRepository(ConcernNotificationEntity)
        .update({ id, audited: false }, { audited: true });
      if (!res.affected) {
        return;
      }
      await this.audit.append(entry, m);
    });
    if (afterSent) {
      await afterSent(sentAt);
    }
  }
}

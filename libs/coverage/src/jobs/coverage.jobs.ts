import { addDays, CampaignsService, vnToday } from '@lib/campaigns';
import {
  AccountEntity,
  AppConfig,
  FieldEncryptionService,
  I18n,
  InjectConfig,
  JobHandler,
  JobRunner,
  MailService,
  PermanentJobError,
  QueueService,
  Role,
  RoleBindingEntity,
} from '@lib/core';
import { OrgsService } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { ReminderEntity } from '../entities/delivery.entity';
import { SchoolStatEntity } from '../entities/stats.entity';
import { StatsService } from '../stats.service';

export const REMINDERS_JOB = 'coverage.reminders';
export const REMINDER_SEND_JOB = 'coverage.reminder-send';
export const REFRESH_JOB = 'coverage.refresh';

/**
 * Hourly: on a reminder day of an active campaign (N days before its due date), writes one
 * reminder row per admin of every unit that is neither met nor reported, and queues the
 * e-mails. The unique key (campaign, unit, admin, slot) makes a second run a no-op.
 */
@Injectable()
@JobHandler(REMINDERS_JOB, { everySeconds: 3600, maxAttempts: 3 })
export class RemindersJob implements JobRunner {
  private readonly logger = new Logger(RemindersJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly queue: QueueService,
  ) {}

  async run(): Promise<void> {
    await this.remind(new Date());
  }

  /** Returns how many reminders were written. */
  async remind(now: Date): Promise<number> {
    const today = vnToday(now);
    let written = 0;
    for (const c of await this.campaigns.active()) {
      const due = addDays(c.periodEnd, c.dueDays);
      const slot = c.reminderDays.find((d) => addDays(due, -d) === today);
      if (slot === undefined) {
        continue;
      }
      const lagging = await this.dataSource.getRepository(SchoolStatEntity).find({
        where: {
          campaignId: c.id,
          status: In(['not_started', 'in_progress', 'at_risk']),
          reportStatus: In(['none', 'returned']),
        },
        select: ['schoolId'],
      });
      const ids = lagging.map((s) => s.schoolId);
      for (let i = 0; i < ids.length; i += 500) {
        const admins = await this.dataSource.getRepository(RoleBindingEntity).find({
          where: { role: Role.SCHOOL_ADMIN, orgNodeId: In(ids.slice(i, i + 500)) },
        });
        for (const a of admins) {
          const key = `reminder:${c.id}:${a.orgNodeId}:${a.accountId}:${slot}`;
          await this.queue.transaction(async (manager) => {
            const repo = manager.getRepository(ReminderEntity);
            if (
              await repo.exists({
                where: { campaignId: c.id, schoolId: a.orgNodeId, accountId: a.accountId, slot },
              })
            ) {
              return;
            }
            const id = randomUUID();
            await repo.insert({
              id,
              campaignId: c.id,
              schoolId: a.orgNodeId,
              accountId: a.accountId,
              slot,
              status: 'pending',
              sentAt: null,
            });
            await this.queue.enqueue(
              REMINDER_SEND_JOB,
              { reminderId: id },
              { manager, dedupeKey: key, maxAttempts: 5 },
            );
            written++;
          });
        }
      }
    }
    if (written) {
      this.logger.log({ msg: 'reminders written', count: written });
    }
    return written;
  }
}

/**
 * Sends one reminder e-mail through the core {@link MailService} (reloads the row; a sent row is
 * not sent again). The Message-ID is stable per reminder, so a send retried after a lost
 * acknowledgement is recognisable as the same message. Temporary SMTP failures retry with the
 * queue's backoff; a permanent rejection (5xx) marks the reminder failed and fails the job.
 */
@Injectable()
@JobHandler(REMINDER_SEND_JOB, { maxAttempts: 5 })
export class ReminderSendJob implements JobRunner<{ reminderId: string }> {
  private readonly logger = new Logger(ReminderSendJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly orgs: OrgsService,
    private readonly crypto: FieldEncryptionService,
    private readonly mail: MailService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async run(payload: { reminderId: string }): Promise<void> {
    const repo = this.dataSource.getRepository(ReminderEntity);
    const r = await repo.findOne({ where: { id: payload.reminderId } });
    if (!r || r.status !== 'pending') {
      return;
    }
    const account = await this.dataSource
      .getRepository(AccountEntity)
      .findOne({ where: { id: r.accountId } });
    if (!account || account.status !== 'active') {
      await repo.update({ id: r.id }, { status: 'failed' });
      throw new PermanentJobError('account gone');
    }
    const c = await this.campaigns.get(r.campaignId);
    const unit = await this.orgs.getById(r.schoolId);
    const due = addDays(c.periodEnd, c.dueDays);
    const link = `${this.config.publicUrl}/coverage/campaigns/${c.id}/nodes/${unit.id}`;
    const params = { campaign: c.name, unit: unit.name, due, link, days: r.slot };
    const ref = { reminderId: r.id, campaignId: c.id, orgNodeId: unit.id };
    try {
      await this.mail.send({
        to: this.crypto.decrypt(account.emailEncrypted, 'account-email'),
        subject: I18n.t('vi', 'coverage.reminder.subject', params),
        text: `${I18n.t('vi', 'coverage.reminder.body', params)}\n\n---\n\n${I18n.t('en', 'coverage.reminder.body', params)}\n`,
        messageId: `<coverage-reminder-${r.id}@safenest>`,
        headers: { 'X-SafeNest-Campaign': c.id },
      });
    } catch (err) {
      if (err instanceof PermanentJobError) {
        await repo.update({ id: r.id }, { status: 'failed' });
        this.logger.warn({ msg: 'reminder rejected', ...ref });
      }
      throw err;
    }
    await repo.update({ id: r.id }, { status: 'sent', sentAt: new Date() });
    this.logger.log({ msg: 'reminder sent', ...ref });
  }
}

/** Hourly: re-derives time-based statuses, follows units that moved, opened or closed. */
@Injectable()
@JobHandler(REFRESH_JOB, { everySeconds: 3600, maxAttempts: 3, timeoutMs: 20 * 60_000 })
export class RefreshJob implements JobRunner {
  constructor(private readonly stats: StatsService) {}

  async run(): Promise<void> {
    await this.stats.rebuildAll(false, true);
  }
}

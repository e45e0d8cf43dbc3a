import {
  AccountEntity,
  AppConfig,
  FieldEncryptionService,
  I18n,
  InjectConfig,
  JobHandler,
  JobRunner,
  Lang,
  MailService,
  Role,
  RoleBindingEntity,
} from '@lib/core';
import { OrgsService } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { ConcernNotificationsService } from '../concern-notifications.service';
import { ConcernReportsService } from '../concern-reports.service';
import { ConcernContact, ConcernReportEntity } from '../entities/concern-report.entity';
import {
  AuditAction,
  AuditActorKind,
  ConcernState,
  JOB_NOTIFY_LEAD,
  JOB_NOTIFY_LEADS,
  JOB_NOTIFY_REPORTER,
  JOB_NOTIFY_UNASSIGNED,
  JOB_RETENTION,
  JOB_SLA_CHECK,
} from '../safeguarding.constants';
import { formatVnDateTime } from '../time-format.util';

export interface NotifyLeadsJobData {
  reportId: string;
  level: number;
  /** A lead handed it up (rather than it escalating for want of acknowledgement). */
  handedOff?: boolean;
}

export interface NotifyLeadJobData extends NotifyLeadsJobData {
  accountId: string;
}

export interface NotifyReporterJobData {
  reportId: string;
}

export interface NotifyUnassignedJobData {
  reportId: string;
}

/** A new (or escalated) report: one notify-lead job per lead of its current level. */
@Injectable()
@JobHandler(JOB_NOTIFY_LEADS, { maxAttempts: 8 })
export class NotifyLeadsJob implements JobRunner<NotifyLeadsJobData> {
  constructor(private readonly reports: ConcernReportsService) {}

  async run({ reportId, level, handedOff }: NotifyLeadsJobData): Promise<void> {
    await this.reports.notifyLeads(reportId, level, handedOff === true);
  }
}

/**
 * Tells one lead that a report arrived: the school, the deadline, a link — never the content.
 * Bilingual (Vietnamese first): an account has no language setting. Sent at most once per
 * report, level and lead, however often the job runs ({@link ConcernNotificationsService}).
 */
@Injectable()
@JobHandler(JOB_NOTIFY_LEAD, { maxAttempts: 8 })
export class NotifyLeadJob implements JobRunner<NotifyLeadJobData> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly crypto: FieldEncryptionService,
    private readonly orgs: OrgsService,
    private readonly notifications: ConcernNotificationsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async run({ reportId, level, accountId, handedOff }: NotifyLeadJobData): Promise<void> {
    const report = await this.dataSource
      .getRepository(ConcernReportEntity)
      .findOne({ where: { id: reportId } });
    const account = await this.dataSource
      .getRepository(AccountEntity)
      .findOne({ where: { id: accountId } });
    if (
      !report ||
      !account ||
      account.status !== 'active' ||
      report.state === ConcernState.CLOSED
    ) {
      return;
    }
    const school = await this.orgs.getById(report.schoolOrgNodeId);
    const link = `${this.config.publicUrl}/safeguarding/reports/${report.id}`;
    const part = (lang: Lang): string =>
      [
        I18n.t(lang, 'sg.mail.lead.body', {
          school: school.name,
          due: formatVnDateTime(report.dueAt),
        }),
        report.imminentDanger ? I18n.t(lang, 'sg.mail.lead.urgent') : '',
        level > 0
          ? I18n.t(lang, handedOff ? 'sg.mail.lead.handedOff' : 'sg.mail.lead.escalated')
          : '',
        `${I18n.t(lang, 'sg.mail.lead.open')}: ${link}`,
        I18n.t(lang, 'sg.mail.lead.noContent'),
      ]
        .filter(Boolean)
        .join('\n\n');
    const subjectKey = report.imminentDanger
      ? 'sg.mail.lead.subjectUrgent'
      : 'sg.mail.lead.subject';
    await this.notifications.deliver(
      { dedupeKey: `lead:${reportId}:${level}:${accountId}`, reportId, kind: 'lead', accountId },
      async () => {
        await this.mail.send({
          to: this.crypto.decrypt(account.emailEncrypted, 'account-email'),
          subject: `${I18n.t('vi', subjectKey)} / ${I18n.t('en', subjectKey)}`,
          text: `${part('vi')}\n\n—\n\n${part('en')}\n`,
          messageId: `<sg-${report.id}-${level}-${account.id}@safenest>`,
          headers: { 'X-SafeNest-Report': report.id },
        });
      },
      {
        reportId,
        actorKind: AuditActorKind.SYSTEM,
        action: AuditAction.LEAD_NOTIFIED,
        details: { accountId, level },
      },
    );
  }
}

/**
 * Sends the lead's outcome message to a reporter who left an e-mail address: once per outcome
 * text (a new outcome is a new message; a stale job for an older one finds the same row).
 */
@Injectable()
@JobHandler(JOB_NOTIFY_REPORTER, { maxAttempts: 8 })
export class NotifyReporterJob implements JobRunner<NotifyReporterJobData> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly crypto: FieldEncryptionService,
    private readonly notifications: ConcernNotificationsService,
  ) {}

  async run({ reportId }: NotifyReporterJobData): Promise<void> {
    const repo = this.dataSource.getRepository(ConcernReportEntity);
    const report = await repo.findOne({ where: { id: reportId } });
    if (!report?.outcomeEncrypted || !report.contactEncrypted) {
      return; // no outcome, no contact, or erased since
    }
    const contact = this.crypto.decryptJson<ConcernContact>(report.contactEncrypted, report.id);
    if (!contact.email) {
      return;
    }
    const lang = report.lang;
    const outcome = this.crypto.decrypt(report.outcomeEncrypted, report.id);
    // The ciphertext changes with every outcome the lead writes (fresh IV): one message each.
    const version = createHash('sha256').update(report.outcomeEncrypted).digest('hex').slice(0, 16);
    await this.notifications.deliver(
      { dedupeKey: `reporter:${reportId}:${version}`, reportId, kind: 'reporter' },
      async () => {
        await this.mail.send({
          to: contact.email!,
          subject: I18n.t(lang, 'sg.mail.reporter.subject'),
          text: [
            I18n.t(lang, 'sg.mail.reporter.intro'),
            outcome,
            I18n.t(lang, 'sg.mail.reporter.help'),
          ].join('\n\n'),
          messageId: `<sg-outcome-${report.id}-${version}@safenest>`,
        });
      },
      { reportId, actorKind: AuditActorKind.SYSTEM, action: AuditAction.REPORTER_NOTIFIED },
      async (at) => {
        await repo.update(
          { id: report.id, outcomeEncrypted: report.outcomeEncrypted! },
          {
            outcomeNotifiedAt: at,
          },
        );
      },
    );
  }
}

/**
 * Nobody is named safeguarding lead at the school or above it: the school's admins (or, when
 * the school has none, the system admins) are told that a report is waiting and a lead must be
 * named. They cannot read it; the e-mail carries no content, only the school and a way to act.
 */
@Injectable()
@JobHandler(JOB_NOTIFY_UNASSIGNED, { maxAttempts: 8 })
export class NotifyUnassignedJob implements JobRunner<NotifyUnassignedJobData> {
  private readonly logger = new Logger(NotifyUnassignedJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly crypto: FieldEncryptionService,
    private readonly orgs: OrgsService,
    private readonly notifications: ConcernNotificationsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async run({ reportId }: NotifyUnassignedJobData): Promise<void> {
    const report = await this.dataSource
      .getRepository(ConcernReportEntity)
      .findOne({ where: { id: reportId } });
    if (!report || report.state !== ConcernState.NEW) {
      return;
    }
    const school = await this.orgs.getById(report.schoolOrgNodeId);
    const admins = await this.adminsFor(school.id);
    if (admins.length === 0) {
      this.logger.error({ msg: 'concern report waiting and nobody to tell', reportId });
      return;
    }
    const part = (lang: Lang): string =>
      [
        I18n.t(lang, 'sg.mail.unassigned.body', { school: school.name }),
        report.imminentDanger ? I18n.t(lang, 'sg.mail.unassigned.urgent') : '',
        I18n.t(lang, 'sg.mail.unassigned.act', { url: `${this.config.publicUrl}/admin` }),
        I18n.t(lang, 'sg.mail.lead.noContent'),
      ]
        .filter(Boolean)
        .join('\n\n');
    for (const account of admins) {
      await this.notifications.deliver(
        {
          dedupeKey: `unassigned:${reportId}:${account.id}`,
          reportId,
          kind: 'unassigned',
          accountId: account.id,
        },
        async () => {
          await this.mail.send({
            to: this.crypto.decrypt(account.emailEncrypted, 'account-email'),
            subject: `${I18n.t('vi', 'sg.mail.unassigned.subject')} / ${I18n.t('en', 'sg.mail.unassigned.subject')}`,
            text: `${part('vi')}\n\n—\n\n${part('en')}\n`,
            messageId: `<sg-unassigned-${report.id}-${account.id}@safenest>`,
          });
        },
        {
          reportId,
          actorKind: AuditActorKind.SYSTEM,
          action: AuditAction.ADMIN_ALERTED,
          details: { accountId: account.id },
        },
      );
    }
  }

  /** Active school admins bound at the school; else active system admins. */
  private async adminsFor(schoolId: string): Promise<AccountEntity[]> {
    const bindings = this.dataSource.getRepository(RoleBindingEntity);
    let rows = await bindings.find({ where: { orgNodeId: schoolId, role: Role.SCHOOL_ADMIN } });
    if (rows.length === 0) {
      rows = await bindings.find({ where: { role: Role.SYSTEM_ADMIN } });
    }
    if (rows.length === 0) {
      return [];
    }
    return this.dataSource.getRepository(AccountEntity).find({
      where: { id: In([...new Set(rows.map((r) => r.accountId))]), status: 'active' },
    });
  }
}

/** Every minute: overdue reports that nobody acknowledged go up one level. */
@Injectable()
@JobHandler(JOB_SLA_CHECK, { everySeconds: 60, maxAttempts: 3 })
export class SlaCheckJob implements JobRunner {
  private readonly logger = new Logger(SlaCheckJob.name);

  constructor(private readonly reports: ConcernReportsService) {}

  async run(): Promise<void> {
    const moved = await this.reports.escalateOverdue();
    if (moved > 0) {
      this.logger.warn({ msg: 'overdue concern reports escalated', count: moved });
    }
  }
}

/** Hourly: erase the content of reports closed longer ago than the retention period. */
@Injectable()
@JobHandler(JOB_RETENTION, { everySeconds: 3600, maxAttempts: 3 })
export class RetentionJob implements JobRunner {
  private readonly logger = new Logger(RetentionJob.name);

  constructor(private readonly reports: ConcernReportsService) {}

  async run(): Promise<void> {
    const erased = await this.reports.eraseExpired();
    if (erased > 0) {
      this.logger.log({ msg: 'concern reports erased after retention', count: erased });
    }
  }
}

export const SAFEGUARDING_JOBS = [
  NotifyLeadsJob,
  NotifyLeadJob,
  NotifyReporterJob,
  NotifyUnassignedJob,
  SlaCheckJob,
  RetentionJob,
];

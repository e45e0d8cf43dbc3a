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
} from '@lib/core';
import { OrgsService } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConcernAuditService } from '../audit/concern-audit.service';
import { ConcernReportsService } from '../concern-reports.service';
import { ConcernContact, ConcernReportEntity } from '../entities/concern-report.entity';
import {
  AuditAction,
  AuditActorKind,
  ConcernState,
  JOB_NOTIFY_LEAD,
  JOB_NOTIFY_LEADS,
  JOB_NOTIFY_REPORTER,
  JOB_RETENTION,
  JOB_SLA_CHECK,
} from '../safeguarding.constants';
import { formatVnDateTime } from '../time-format.util';

export interface NotifyLeadsJobData {
  reportId: string;
  level: number;
}

export interface NotifyLeadJobData extends NotifyLeadsJobData {
  accountId: string;
}

export interface NotifyReporterJobData {
  reportId: string;
}

/** A new (or escalated) report: one notify-lead job per lead of its current level. */
@Injectable()
@JobHandler(JOB_NOTIFY_LEADS, { maxAttempts: 8 })
export class NotifyLeadsJob implements JobRunner<NotifyLeadsJobData> {
  constructor(private readonly reports: ConcernReportsService) {}

  async run({ reportId, level }: NotifyLeadsJobData): Promise<void> {
    await this.reports.notifyLeads(reportId, level);
  }
}

/**
 * Tells one lead that a report arrived: the school, the deadline, a link — never the content.
 * Bilingual (Vietnamese first): an account has no language setting.
 */
@Injectable()
@JobHandler(JOB_NOTIFY_LEAD, { maxAttempts: 8 })
export class NotifyLeadJob implements JobRunner<NotifyLeadJobData> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly crypto: FieldEncryptionService,
    private readonly orgs: OrgsService,
    private readonly audit: ConcernAuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async run({ reportId, level, accountId }: NotifyLeadJobData): Promise<void> {
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
        level > 0 ? I18n.t(lang, 'sg.mail.lead.escalated') : '',
        `${I18n.t(lang, 'sg.mail.lead.open')}: ${link}`,
        I18n.t(lang, 'sg.mail.lead.noContent'),
      ]
        .filter(Boolean)
        .join('\n\n');
    const subjectKey = report.imminentDanger
      ? 'sg.mail.lead.subjectUrgent'
      : 'sg.mail.lead.subject';
    await this.mail.send({
      to: this.crypto.decrypt(account.emailEncrypted, 'account-email'),
      subject: `${I18n.t('vi', subjectKey)} / ${I18n.t('en', subjectKey)}`,
      text: `${part('vi')}\n\n—\n\n${part('en')}\n`,
      messageId: `<sg-${report.id}-${level}-${account.id}@safenest>`,
      headers: { 'X-SafeNest-Report': report.id },
    });
    await this.audit.append({
      reportId,
      actorKind: AuditActorKind.SYSTEM,
      action: AuditAction.LEAD_NOTIFIED,
      details: { accountId, level },
    });
  }
}

/** Sends the lead's outcome message to a reporter who left an e-mail address. */
@Injectable()
@JobHandler(JOB_NOTIFY_REPORTER, { maxAttempts: 8 })
export class NotifyReporterJob implements JobRunner<NotifyReporterJobData> {
  private readonly logger = new Logger(NotifyReporterJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly crypto: FieldEncryptionService,
    private readonly audit: ConcernAuditService,
  ) {}

  async run({ reportId }: NotifyReporterJobData): Promise<void> {
    const repo = this.dataSource.getRepository(ConcernReportEntity);
    const report = await repo.findOne({ where: { id: reportId } });
    if (
      !report ||
      report.outcomeNotifiedAt ||
      !report.outcomeEncrypted ||
      !report.contactEncrypted
    ) {
      return; // sent already, or erased since
    }
    const contact = this.crypto.decryptJson<ConcernContact>(report.contactEncrypted, report.id);
    if (!contact.email) {
      return;
    }
    const lang = report.lang;
    const outcome = this.crypto.decrypt(report.outcomeEncrypted, report.id);
    await this.mail.send({
      to: contact.email,
      subject: I18n.t(lang, 'sg.mail.reporter.subject'),
      text: [
        I18n.t(lang, 'sg.mail.reporter.intro'),
        outcome,
        I18n.t(lang, 'sg.mail.reporter.help'),
      ].join('\n\n'),
      // One message per outcome text version: a retry reuses it, a new outcome gets a new one.
      messageId: `<sg-outcome-${report.id}-${report.updatedAt.getTime()}@safenest>`,
    });
    await repo.update({ id: report.id }, { outcomeNotifiedAt: new Date() });
    await this.audit.append({
      reportId,
      actorKind: AuditActorKind.SYSTEM,
      action: AuditAction.REPORTER_NOTIFIED,
    });
    this.logger.log({ msg: 'outcome sent to reporter', reportId });
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
  SlaCheckJob,
  RetentionJob,
];

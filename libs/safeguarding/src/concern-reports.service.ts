import {
  AccountEntity,
  AppConfig,
  CoreErrorCode,
  CoreException,
  FieldEncryptionService,
  InjectConfig,
  Principal,
  QueueService,
  Role,
  RoleBindingEntity,
} from '@lib/core';
import { OrgNodeEntity, OrgsService, OrgType } from '@lib/orgs';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { ConcernAuditService } from './audit/concern-audit.service';
import { watchConcernReports } from './concern-metrics';
import { ConcernNoteEntity } from './entities/concern-note.entity';
import {
  ConcernContact,
  ConcernDetails,
  ConcernReportEntity,
} from './entities/concern-report.entity';
import { canReadReport, leadBindings } from './lead-access.util';
import { ConcernInput, newReferenceCode, normaliseReferenceCode } from './report-input.util';
import { SafeguardingClock } from './safeguarding.clock';
import {
  AgeBand,
  AuditAction,
  AuditActorKind,
  ConcernSource,
  ConcernState,
  ContactMethod,
  JOB_NOTIFY_LEAD,
  JOB_NOTIFY_LEADS,
  JOB_NOTIFY_REPORTER,
  JOB_NOTIFY_UNASSIGNED,
  LIMITS,
  ReferralTarget,
  STATE_ORDER,
} from './safeguarding.constants';
import { SafeguardingErrorCode, SafeguardingException } from './safeguarding.exception';
import { triageDueAt } from './sla.util';

export interface NewReport {
  source: ConcernSource;
  schoolOrgNodeId: string;
  input: ConcernInput;
  lang: 'vi' | 'en';
  ageBand?: AgeBand | null;
  /** A pupil from the player; kept only if they asked to be contacted at school. */
  learner?: { userId: string; displayName: string } | null;
  /** `web:<form token>` or `api:<key id>:<caller's id>`: the same key returns the same report. */
  idempotencyKey?: string;
  /** Canonical request body (API), to tell a replay from a conflicting reuse of an id. */
  requestBody?: string;
  intakeKey?: { id: string; name: string; pupilReference?: string };
}

export interface CreatedReport {
  report: ConcernReportEntity;
  /** The code for the reporter (null when this was a replay of an erased report). */
  reference: string | null;
  duplicate: boolean;
}

/** A report as the queue lists it: no decryption, nothing the reporter wrote. */
export interface ConcernSummary {
  id: string;
  schoolOrgNodeId: string;
  schoolName: string;
  source: ConcernSource;
  category: string;
  imminentDanger: boolean;
  state: ConcernState;
  referredTo: ReferralTarget | null;
  receivedAt: Date;
  dueAt: Date;
  overdue: boolean;
  escalationLevel: number;
  escalatedToOrgNodeId: string | null;
  erased: boolean;
}

/** Reports a lead sees per page unless they ask for another size (at most 200). */
export const QUEUE_PAGE_SIZE = 50;

export interface QueueOptions {
  /** Only the reports reached through this binding's node. */
  orgNodeId?: string;
  includeClosed?: boolean;
  offset?: number;
  limit?: number;
}

export interface ConcernQueuePage {
  items: ConcernSummary[];
  /** All reports matching, across pages. */
  total: number;
  offset: number;
  limit: number;
}

/** A report opened by a lead: the summary plus the decrypted content. */
export interface ConcernView extends ConcernSummary {
  details: ConcernDetails | null;
  contactMethod: ContactMethod;
  contact: ConcernContact | null;
  outcome: string | null;
  outcomeNotifiedAt: Date | null;
  acknowledgedAt: Date | null;
  closedAt: Date | null;
  ageBand: AgeBand | null;
  lang: 'vi' | 'en';
  slaDueAt: Date;
  notes: { id: string; authorAccountId: string; body: string; createdAt: Date }[];
}

export interface TransitionInput {
  to: ConcernState;
  referredTo?: ReferralTarget | null;
  note?: string;
  /** What the reporter should hear back; sent if they left an e-mail and `notifyReporter`. */
  outcome?: string;
  notifyReporter?: boolean;
}

/** Status a reporter sees with their reference code. */
export interface ReporterStatus {
  state: ConcernState;
  receivedAt: Date;
  outcome: string | null;
  /** The reporter left a way to be contacted (they may take it back). */
  hasContact: boolean;
}

const SCHOOL_TYPES = [OrgType.SCHOOL, OrgType.FACILITY];

/**
 * Concern reports: intake from the player, the public form and the API; the leads' queue and
 * triage; escalation up the org tree; outcome back to the reporter; erasure. Every read of
 * content and every change is written to the audit trail in the same transaction.
 */
@Injectable()
export class ConcernReportsService implements OnModuleInit {
  private readonly logger = new Logger(ConcernReportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: QueueService,
    private readonly crypto: FieldEncryptionService,
    private readonly orgs: OrgsService,
    private readonly audit: ConcernAuditService,
    private readonly clock: SafeguardingClock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private get reports() {
    return this.dataSource.getRepository(ConcernReportEntity);
  }

  onModuleInit(): void {
    watchConcernReports(this.dataSource);
  }

  /** The school or facility a report can be filed for, or SG_SCHOOL_NOT_FOUND. */
  async schoolFor(idOrCode: { id?: string; code?: string }): Promise<OrgNodeEntity> {
    const node = idOrCode.id
      ? await this.orgs.getById(idOrCode.id).catch(() => null)
      : idOrCode.code
        ? await this.orgs.findByCode(idOrCode.code)
        : null;
    if (!node || !SCHOOL_TYPES.includes(node.type) || node.closedOn) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_SCHOOL_NOT_FOUND,
        'No open school or facility with that id or code.',
      );
    }
    return node;
  }

  async create(r: NewReport): Promise<CreatedReport> {
    await this.schoolFor({ id: r.schoolOrgNodeId });
    const idempotencyIndex = r.idempotencyKey
      ? this.crypto.blindIndex('sg-idempotency', r.idempotencyKey)
      : null;
    const requestIndex = r.requestBody ? this.crypto.blindIndex('sg-request', r.requestBody) : null;
    if (idempotencyIndex) {
      const existing = await this.reports.findOne({ where: { idempotencyIndex } });
      if (existing) {
        return this.replay(existing, requestIndex, r);
      }
    }
    const id = randomUUID();
    const reference = newReferenceCode(randomBytes);
    const now = this.clock.now();
    const { input } = r;
    const wantsSchool = input.contactMethod === ContactMethod.AT_SCHOOL;
    const details: ConcernDetails = {
      description: input.description,
      platform: input.platform,
      url: input.url,
      when: input.when,
      involved: input.involved,
      relation: input.relation,
      reference,
      ...(input.reporterName || (wantsSchool && r.learner?.displayName)
        ? { reporterName: input.reporterName || r.learner?.displayName }
        : {}),
      ...(wantsSchool && r.learner ? { learnerId: r.learner.userId } : {}),
      ...(r.intakeKey
        ? { serviceName: r.intakeKey.name, pupilReference: r.intakeKey.pupilReference ?? '' }
        : {}),
    };
    const contact: ConcernContact | null =
      input.contactMethod === ContactMethod.NONE
        ? null
        : {
            ...(input.email ? { email: input.email } : {}),
            ...(input.phone ? { phone: input.phone } : {}),
            ...(input.contactNote ? { note: input.contactNote } : {}),
          };
    const due = triageDueAt(now, input.imminentDanger);
    const report = this.reports.create({
      id,
      schoolOrgNodeId: r.schoolOrgNodeId,
      source: r.source,
      category: input.category,
      imminentDanger: input.imminentDanger,
      state: ConcernState.NEW,
      referredTo: null,
      ageBand: r.ageBand ?? null,
      lang: r.lang,
      contactMethod: input.contactMethod,
      detailsEncrypted: this.crypto.encryptJson(details, id),
      contactEncrypted: contact ? this.crypto.encryptJson(contact, id) : null,
      outcomeEncrypted: null,
      referenceIndex: this.crypto.blindIndex('sg-reference', reference),
      idempotencyIndex,
      requestIndex,
      intakeKeyId: r.intakeKey?.id ?? null,
      receivedAt: now,
      slaDueAt: due,
      dueAt: due,
      escalationLevel: 0,
      escalatedToOrgNodeId: null,
      escalatedAt: null,
      escalationExhausted: false,
      acknowledgedAt: null,
      referredAt: null,
      closedAt: null,
      outcomeNotifiedAt: null,
      erasedAt: null,
    });
    try {
      await this.queue.transaction(async (m) => {
        await m.getRepository(ConcernReportEntity).insert(report);
        await this.audit.append(
          {
            reportId: id,
            actorKind: r.intakeKey ? AuditActorKind.SERVICE : AuditActorKind.REPORTER,
            actorId: r.intakeKey?.id ?? null,
            action: AuditAction.CREATED,
            details: {
              source: r.source,
              category: input.category,
              imminentDanger: input.imminentDanger,
              schoolOrgNodeId: r.schoolOrgNodeId,
            },
          },
          m,
        );
        await this.queue.enqueue(
          JOB_NOTIFY_LEADS,
          { reportId: id, level: 0 },
          { manager: m, dedupeKey: `sg-notify:${id}:0` },
        );
      });
    } catch (err) {
      // Two identical submissions raced: the other one's row is the report.
      const existing = idempotencyIndex
        ? await this.reports.findOne({ where: { idempotencyIndex } })
        : null;
      if (existing) {
        return this.replay(existing, requestIndex, r);
      }
      throw err;
    }
    this.logger.log({
      msg: 'concern report received',
      reportId: id,
      source: r.source,
      schoolOrgNodeId: r.schoolOrgNodeId,
      imminentDanger: input.imminentDanger,
    });
    return { report, reference, duplicate: false };
  }

  private async replay(
    existing: ConcernReportEntity,
    requestIndex: string | null,
    r: NewReport,
  ): Promise<CreatedReport> {
    // An erased report keeps no fingerprint of its body: a replay is answered as a duplicate.
    if (requestIndex && !existing.erasedAt && existing.requestIndex !== requestIndex) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_IDEMPOTENCY_CONFLICT,
        'This report id was already used with a different body.',
        { reportId: existing.id },
      );
    }
    await this.audit.append({
      reportId: existing.id,
      actorKind: r.intakeKey ? AuditActorKind.SERVICE : AuditActorKind.REPORTER,
      actorId: r.intakeKey?.id ?? null,
      action: AuditAction.DUPLICATE_SUBMISSION,
    });
    const details = this.decryptDetails(existing);
    return { report: existing, reference: details?.reference ?? null, duplicate: true };
  }

  // ---------------------------------------------------------------- the lead's side

  /**
   * One page of the reports the principal may read: open before closed, imminent danger first,
   * then new before handled, then by deadline. Built in SQL, so a province's queue is paged by
   * the database rather than loaded whole.
   */
  async queueFor(principal: Principal, options: QueueOptions = {}): Promise<ConcernQueuePage> {
    let bindings = leadBindings(principal.bindings);
    if (bindings.length === 0) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_NOT_A_LEAD,
        'Only safeguarding leads have a concern queue.',
      );
    }
    if (options.orgNodeId) {
      bindings = bindings.filter((b) => b.orgNodeId === options.orgNodeId);
      if (bindings.length === 0) {
        throw new CoreException(CoreErrorCode.FORBIDDEN, 'Not a safeguarding lead there.', {
          orgNodeId: options.orgNodeId,
        });
      }
    }
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? QUEUE_PAGE_SIZE), 1), 200);
    const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
    const qb = this.reports.createQueryBuilder('r');
    const scopes: string[] = [];
    const params: Record<string, unknown> = {};
    for (const [i, b] of bindings.entries()) {
      const node = await this.orgs.getById(b.orgNodeId).catch(() => null);
      if (!node) {
        continue;
      }
      if (SCHOOL_TYPES.includes(node.type)) {
        scopes.push(`r.school_org_node_id = :school${i}`);
        params[`school${i}`] = node.id;
      } else {
        // Schools below the node, once escalated to the node or above it (never before).
        scopes.push(
          `(r.school_org_node_id IN (SELECT o.id FROM org_node o WHERE o.path LIKE :under${i}) ` +
            `AND r.escalated_to_org_node_id IN (:...above${i}))`,
        );
        params[`under${i}`] = `${node.path}%`;
        params[`above${i}`] = node.path.split('/').filter(Boolean);
      }
    }
    if (scopes.length === 0) {
      return { items: [], total: 0, offset, limit };
    }
    qb.where(`(${scopes.join(' OR ')})`, params);
    if (!options.includeClosed) {
      qb.andWhere('r.state <> :closed', { closed: ConcernState.CLOSED });
    }
    const yes = this.dataSource.options.type === 'postgres' ? 'true' : '1';
    const total = await qb.getCount();
    const rows = await qb
      .orderBy(`CASE WHEN r.state = 'closed' THEN 1 ELSE 0 END`, 'ASC')
      .addOrderBy(
        `CASE WHEN r.state = 'new' AND r.imminent_danger = ${yes} THEN 0 ELSE 1 END`,
        'ASC',
      )
      .addOrderBy(`CASE WHEN r.state = 'new' THEN 0 ELSE 1 END`, 'ASC')
      .addOrderBy('r.due_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .offset(offset)
      .limit(limit)
      .getMany();
    const names = await this.schoolNames(rows.map((r) => r.schoolOrgNodeId));
    const now = this.clock.now();
    return {
      items: rows.map((r) => this.summary(r, names.get(r.schoolOrgNodeId) ?? '', now)),
      total,
      offset,
      limit,
    };
  }

  /** One report's queue line (no content, not an audited read). */
  async summaryFor(principal: Principal, reportId: string): Promise<ConcernSummary> {
    const r = await this.readable(principal, reportId);
    const names = await this.schoolNames([r.schoolOrgNodeId]);
    return this.summary(r, names.get(r.schoolOrgNodeId) ?? '', this.clock.now());
  }

  /** Opens a report for a lead (decrypts it) and records the read. */
  async open(principal: Principal, reportId: string): Promise<ConcernView> {
    const report = await this.readable(principal, reportId);
    const notes = await this.dataSource
      .getRepository(ConcernNoteEntity)
      .find({ where: { reportId }, order: { createdAt: 'ASC' } });
    await this.audit.append({
      reportId,
      actorKind: AuditActorKind.ACCOUNT,
      actorId: principal.accountId,
      action: AuditAction.READ,
      details: { notes: notes.length },
    });
    const names = await this.schoolNames([report.schoolOrgNodeId]);
    return {
      ...this.summary(report, names.get(report.schoolOrgNodeId) ?? '', this.clock.now()),
      details: this.decryptDetails(report),
      contactMethod: report.contactMethod,
      contact: report.contactEncrypted
        ? this.crypto.decryptJson<ConcernContact>(report.contactEncrypted, report.id)
        : null,
      outcome: report.outcomeEncrypted
        ? this.crypto.decrypt(report.outcomeEncrypted, report.id)
        : null,
      outcomeNotifiedAt: report.outcomeNotifiedAt,
      acknowledgedAt: report.acknowledgedAt,
      closedAt: report.closedAt,
      ageBand: report.ageBand,
      lang: report.lang,
      slaDueAt: report.slaDueAt,
      notes: notes.map((n) => ({
        id: n.id,
        authorAccountId: n.authorAccountId,
        body: this.crypto.decrypt(n.bodyEncrypted, reportId),
        createdAt: n.createdAt,
      })),
    };
  }

  /** The audit trail of a report (reading it is itself recorded). */
  async auditTrail(principal: Principal, reportId: string) {
    await this.readable(principal, reportId);
    await this.audit.append({
      reportId,
      actorKind: AuditActorKind.ACCOUNT,
      actorId: principal.accountId,
      action: AuditAction.AUDIT_READ,
    });
    return this.audit.forReport(reportId);
  }

  /** Moves a report forward; may add a note and the outcome for the reporter. */
  async transition(
    principal: Principal,
    reportId: string,
    t: TransitionInput,
  ): Promise<ConcernReportEntity> {
    const report = await this.readable(principal, reportId);
    if (report.erasedAt) {
      throw new SafeguardingException(SafeguardingErrorCode.SG_ERASED, 'Report erased.');
    }
    const from = report.state;
    const to = t.to;
    const sameReferral = from === ConcernState.REFERRED && to === ConcernState.REFERRED;
    if (STATE_ORDER.indexOf(to) <= STATE_ORDER.indexOf(from) && !sameReferral) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_INVALID_TRANSITION,
        `Cannot go from ${from} to ${to}.`,
        { from, to },
      );
    }
    if (to === ConcernState.REFERRED && !t.referredTo) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_INVALID_REPORT,
        'Say where the report was referred (111, police or health).',
        { field: 'referredTo' },
      );
    }
    const note = (t.note ?? '').trim();
    const outcome = (t.outcome ?? '').trim();
    if (note.length > LIMITS.note || outcome.length > LIMITS.outcome) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_INVALID_REPORT,
        'Note or outcome too long.',
        { field: note.length > LIMITS.note ? 'note' : 'outcome' },
      );
    }
    const now = this.clock.now();
    const patch: Partial<ConcernReportEntity> = { state: to };
    if (!report.acknowledgedAt) {
      patch.acknowledgedAt = now;
    }
    if (to === ConcernState.REFERRED) {
      patch.referredTo = t.referredTo ?? null;
      patch.referredAt = now;
    }
    if (to === ConcernState.CLOSED) {
      patch.closedAt = now;
    }
    if (outcome) {
      patch.outcomeEncrypted = this.crypto.encrypt(outcome, reportId);
      patch.outcomeNotifiedAt = null;
    }
    const notify =
      Boolean(outcome) &&
      t.notifyReporter !== false &&
      report.contactMethod === ContactMethod.EMAIL;
    await this.queue.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ConcernReportEntity)
        .set(patch)
        .where('id = :id AND state = :from', { id: reportId, from })
        .execute();
      if (!res.affected) {
        throw new SafeguardingException(
          SafeguardingErrorCode.SG_INVALID_TRANSITION,
          'The report changed meanwhile.',
          { reportId },
        );
      }
      const actor = { reportId, actorKind: AuditActorKind.ACCOUNT, actorId: principal.accountId };
      await this.audit.append(
        [
          {
            ...actor,
            action: AuditAction.STATE_CHANGED,
            details: { from, to, referredTo: patch.referredTo ?? null },
          },
          ...(note ? [{ ...actor, action: AuditAction.NOTE_ADDED }] : []),
          ...(outcome ? [{ ...actor, action: AuditAction.OUTCOME_SET, details: { notify } }] : []),
        ],
        m,
      );
      if (note) {
        await this.insertNote(m, reportId, principal.accountId, note);
      }
      if (notify) {
        await this.queue.enqueue(
          JOB_NOTIFY_REPORTER,
          { reportId },
          { manager: m, dedupeKey: `sg-reporter:${reportId}:${now.getTime()}` },
        );
      }
    });
    this.logger.log({ msg: 'concern report moved', reportId, from, to });
    return { ...report, ...patch };
  }

  async addNote(principal: Principal, reportId: string, body: string): Promise<void> {
    const report = await this.readable(principal, reportId);
    const text = body.trim();
    if (!text || text.length > LIMITS.note || report.erasedAt) {
      throw new SafeguardingException(SafeguardingErrorCode.SG_INVALID_REPORT, 'Bad note.', {
        field: 'note',
      });
    }
    await this.dataSource.transaction(async (m) => {
      await this.insertNote(m, reportId, principal.accountId, text);
      await this.audit.append(
        {
          reportId,
          actorKind: AuditActorKind.ACCOUNT,
          actorId: principal.accountId,
          action: AuditAction.NOTE_ADDED,
        },
        m,
      );
    });
  }

  /** Erases a closed report's content on request (the retention job does it when due). */
  async eraseOnRequest(principal: Principal, reportId: string): Promise<void> {
    const report = await this.readable(principal, reportId);
    if (report.state !== ConcernState.CLOSED) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_INVALID_TRANSITION,
        'Close the report before erasing it.',
        { reportId },
      );
    }
    await this.erase(report.id, AuditActorKind.ACCOUNT, principal.accountId, 'request');
  }

  // ---------------------------------------------------------------- reporters

  /** What a reporter sees with their code; null when unknown (or erased). */
  async statusByReference(code: unknown): Promise<ReporterStatus | null> {
    const ref = normaliseReferenceCode(code);
    if (!ref) {
      return null;
    }
    const report = await this.reports.findOne({
      where: { referenceIndex: this.crypto.blindIndex('sg-reference', ref) },
    });
    if (!report || report.erasedAt) {
      return null;
    }
    await this.audit.append({
      reportId: report.id,
      actorKind: AuditActorKind.REPORTER,
      action: AuditAction.STATUS_CHECKED,
    });
    return {
      state: report.state,
      receivedAt: report.receivedAt,
      outcome: report.outcomeEncrypted
        ? this.crypto.decrypt(report.outcomeEncrypted, report.id)
        : null,
      hasContact: report.contactMethod !== ContactMethod.NONE,
    };
  }

  /**
   * The reporter takes back the consent to be contacted (Law 91/2025: withdrawn consent ends the
   * processing): the contact, their name and — for a pupil who asked to be found at school —
   * their pseudonymous id are removed for good. What happened stays for the lead to act on.
   * Returns false when the code is unknown, erased, or there was no contact to remove.
   */
  async withdrawContact(code: unknown): Promise<boolean> {
    const ref = normaliseReferenceCode(code);
    if (!ref) {
      return false;
    }
    const report = await this.reports.findOne({
      where: { referenceIndex: this.crypto.blindIndex('sg-reference', ref) },
    });
    if (!report || report.erasedAt || report.contactMethod === ContactMethod.NONE) {
      return false;
    }
    const details = this.decryptDetails(report);
    const kept = details
      ? (({ reporterName: _name, learnerId: _learner, ...rest }) => rest)(details)
      : null;
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(ConcernReportEntity).update(
        { id: report.id },
        {
          contactMethod: ContactMethod.NONE,
          contactEncrypted: null,
          ...(kept ? { detailsEncrypted: this.crypto.encryptJson(kept, report.id) } : {}),
        },
      );
      await this.audit.append(
        {
          reportId: report.id,
          actorKind: AuditActorKind.REPORTER,
          action: AuditAction.CONTACT_WITHDRAWN,
          details: { was: report.contactMethod },
        },
        m,
      );
    });
    this.logger.log({ msg: 'reporter withdrew contact details', reportId: report.id });
    return true;
  }

  // ---------------------------------------------------------------- jobs

  /** Safeguarding leads bound exactly at this node (not above, not below). */
  async leadsAt(orgNodeId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(RoleBindingEntity)
      .find({ where: { orgNodeId, role: Role.SAFEGUARDING_LEAD } });
    const accounts = rows.length
      ? await this.dataSource
          .getRepository(AccountEntity)
          .find({ where: { id: In(rows.map((r) => r.accountId)), status: 'active' } })
      : [];
    return accounts.map((a) => a.id);
  }

  /** Fans a report's notification out to the leads of its current level (one job each). */
  async notifyLeads(reportId: string, level: number, handedOff = false): Promise<void> {
    const report = await this.reports.findOne({ where: { id: reportId } });
    if (!report || report.escalationLevel !== level || report.state === ConcernState.CLOSED) {
      return; // escalated or closed meanwhile: that step sends its own notice
    }
    const target = report.escalatedToOrgNodeId ?? report.schoolOrgNodeId;
    const leads = await this.leadsAt(target);
    if (leads.length === 0) {
      // Nobody to tell here: go up at once rather than wait a school day.
      await this.escalate(report, 'no_lead');
      return;
    }
    for (const accountId of leads) {
      await this.queue.enqueue(
        JOB_NOTIFY_LEAD,
        { reportId, level, accountId, handedOff },
        { dedupeKey: `sg-notify:${reportId}:${level}:${accountId}` },
      );
    }
  }

  /** Reports past their deadline and not yet acknowledged go one level up. */
  async escalateOverdue(): Promise<number> {
    const due = await this.reports.find({
      where: {
        state: ConcernState.NEW,
        dueAt: LessThanOrEqual(this.clock.now()),
        escalationExhausted: false,
        erasedAt: IsNull(),
      },
      order: { imminentDanger: 'DESC', dueAt: 'ASC' },
      take: 500,
    });
    let moved = 0;
    for (const report of due) {
      if (await this.escalate(report, 'overdue')) {
        moved++;
      }
    }
    return moved;
  }

  /**
   * A lead hands a report they hold up to the next level that has a safeguarding lead (the case
   * needs the commune or province: a staff member is involved, several schools, a referral the
   * school cannot make). The school's leads keep reading it; the new level's leads are told.
   */
  async handOff(principal: Principal, reportId: string, note?: string): Promise<void> {
    const report = await this.readable(principal, reportId);
    if (report.erasedAt || report.state === ConcernState.CLOSED) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_INVALID_TRANSITION,
        'A closed report cannot be handed over.',
        { reportId },
      );
    }
    const text = (note ?? '').trim();
    if (text.length > LIMITS.note) {
      throw new SafeguardingException(SafeguardingErrorCode.SG_INVALID_REPORT, 'Note too long.', {
        field: 'note',
      });
    }
    const moved = await this.escalate(report, 'handoff', {
      accountId: principal.accountId,
      note: text,
    });
    if (!moved) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_INVALID_TRANSITION,
        'The report changed meanwhile.',
        { reportId },
      );
    }
  }

  /**
   * Hands the report to the nearest node above its current level that has a safeguarding
   * lead. Conditional on the level it was read at, so two workers never escalate twice.
   */
  async escalate(
    report: ConcernReportEntity,
    reason: 'overdue' | 'no_lead' | 'handoff',
    by?: { accountId: string; note: string },
  ): Promise<boolean> {
    const from = report.escalatedToOrgNodeId ?? report.schoolOrgNodeId;
    let node: OrgNodeEntity | null = await this.orgs.getById(from).catch(() => null);
    let target: OrgNodeEntity | null = null;
    while (node?.parentId) {
      node = await this.orgs.getById(node.parentId).catch(() => null);
      if (node && (await this.leadsAt(node.id)).length > 0) {
        target = node;
        break;
      }
    }
    const now = this.clock.now();
    if (!target) {
      if (reason === 'handoff') {
        throw new SafeguardingException(
          SafeguardingErrorCode.SG_NO_HIGHER_LEAD,
          'Nobody above this level is named safeguarding lead.',
          { reportId: report.id },
        );
      }
      await this.exhausted(report, from, reason);
      return false;
    }
    const level = report.escalationLevel + 1;
    const handoff = reason === 'handoff';
    let moved = false;
    await this.queue.transaction(async (m) => {
      const qb = m
        .createQueryBuilder()
        .update(ConcernReportEntity)
        .set({
          escalationLevel: level,
          escalatedToOrgNodeId: target.id,
          escalatedAt: now,
          // Still waiting for acknowledgement: the new level gets a full triage time.
          ...(report.state === ConcernState.NEW
            ? { dueAt: triageDueAt(now, report.imminentDanger) }
            : {}),
        })
        .where('id = :id AND escalation_level = :old', {
          id: report.id,
          old: report.escalationLevel,
        });
      if (handoff) {
        qb.andWhere('state <> :closed', { closed: ConcernState.CLOSED });
      } else {
        qb.andWhere('state = :new', { new: ConcernState.NEW });
      }
      const res = await qb.execute();
      if (!res.affected) {
        return;
      }
      moved = true;
      await this.audit.append(
        {
          reportId: report.id,
          actorKind: by ? AuditActorKind.ACCOUNT : AuditActorKind.SYSTEM,
          actorId: by?.accountId ?? null,
          action: handoff ? AuditAction.HANDED_OFF : AuditAction.ESCALATED,
          details: { fromOrgNodeId: from, toOrgNodeId: target.id, level, reason },
        },
        m,
      );
      if (by?.note) {
        await this.insertNote(m, report.id, by.accountId, by.note);
        await this.audit.append(
          {
            reportId: report.id,
            actorKind: AuditActorKind.ACCOUNT,
            actorId: by.accountId,
            action: AuditAction.NOTE_ADDED,
          },
          m,
        );
      }
      await this.queue.enqueue(
        JOB_NOTIFY_LEADS,
        { reportId: report.id, level, handedOff: handoff },
        { manager: m, dedupeKey: `sg-notify:${report.id}:${level}` },
      );
    });
    if (moved) {
      this.logger.warn({
        msg: handoff ? 'concern report handed over' : 'concern report escalated',
        reportId: report.id,
        toOrgNodeId: target.id,
        level,
        reason,
      });
    }
    return moved;
  }

  /**
   * Nobody above has a lead. Flagged once; when nobody at all was ever reachable (no lead at the
   * school or above), the school's admins are told to name one — a report is never left waiting
   * unseen with only a log line to show for it.
   */
  private async exhausted(
    report: ConcernReportEntity,
    from: string,
    reason: 'overdue' | 'no_lead',
  ): Promise<void> {
    let flagged = false;
    await this.queue.transaction(async (m) => {
      const res = await m
        .getRepository(ConcernReportEntity)
        .update(
          { id: report.id, escalationLevel: report.escalationLevel, escalationExhausted: false },
          { escalationExhausted: true },
        );
      flagged = Boolean(res.affected);
      if (flagged && report.escalationLevel === 0 && reason === 'no_lead') {
        await this.queue.enqueue(
          JOB_NOTIFY_UNASSIGNED,
          { reportId: report.id },
          { manager: m, dedupeKey: `sg-unassigned:${report.id}` },
        );
      }
    });
    if (flagged) {
      this.logger.error({
        msg: 'concern report has no safeguarding lead to escalate to',
        reportId: report.id,
        fromOrgNodeId: from,
        reason,
      });
    }
  }

  /** Erases closed reports whose retention period is over. */
  async eraseExpired(maxBatches = 20): Promise<number> {
    const before = new Date(
      this.clock.now().getTime() - this.config.safeguarding.retentionDays * 86_400_000,
    );
    let erased = 0;
    // Batches of 500 until none is left (at most 10,000 a run; the next run takes the rest).
    for (let batch = 0; batch < maxBatches; batch++) {
      const rows = await this.reports.find({
        where: { state: ConcernState.CLOSED, closedAt: LessThan(before), erasedAt: IsNull() },
        select: ['id'],
        take: 500,
      });
      for (const r of rows) {
        await this.erase(r.id, AuditActorKind.SYSTEM, null, 'retention');
      }
      erased += rows.length;
      if (rows.length < 500) {
        break;
      }
    }
    return erased;
  }

  private async erase(
    reportId: string,
    actorKind: AuditActorKind,
    actorId: string | null,
    reason: 'retention' | 'request',
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const res = await m.getRepository(ConcernReportEntity).update(
        { id: reportId, erasedAt: IsNull() },
        {
          detailsEncrypted: null,
          contactEncrypted: null,
          outcomeEncrypted: null,
          referenceIndex: null,
          // A keyed hash of the body could still confirm a guess of what was written.
          requestIndex: null,
          erasedAt: this.clock.now(),
        },
      );
      if (!res.affected) {
        return;
      }
      const notes = await m.getRepository(ConcernNoteEntity).delete({ reportId });
      await this.audit.append(
        {
          reportId,
          actorKind,
          actorId,
          action: AuditAction.ERASED,
          details: { reason, notes: notes.affected ?? 0 },
        },
        m,
      );
    });
    this.logger.log({ msg: 'concern report erased', reportId, reason });
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The report, if the principal is one of the leads allowed to read it; else 403/404. A refusal
   * of a signed-in account on an existing report is written to its audit trail: who tried to
   * look is as much the auditor's business as who looked.
   */
  async readable(principal: Principal, reportId: string): Promise<ConcernReportEntity> {
    const report = /^[0-9a-f-]{36}$/i.test(reportId)
      ? await this.reports.findOne({ where: { id: reportId } })
      : null;
    const isLead = leadBindings(principal.bindings).length > 0;
    if (!report) {
      if (!isLead) {
        throw new SafeguardingException(
          SafeguardingErrorCode.SG_NOT_A_LEAD,
          'Only safeguarding leads can open concern reports.',
        );
      }
      throw new SafeguardingException(SafeguardingErrorCode.SG_REPORT_NOT_FOUND, 'No such report.');
    }
    const schoolPath = await this.orgs.pathOf(report.schoolOrgNodeId);
    const escalationPath = report.escalatedToOrgNodeId
      ? await this.orgs.pathOf(report.escalatedToOrgNodeId)
      : null;
    if (!isLead || !schoolPath || !canReadReport(principal.bindings, schoolPath, escalationPath)) {
      this.logger.warn({
        msg: 'concern report access refused',
        reportId,
        accountId: principal.accountId,
      });
      await this.audit.append({
        reportId,
        actorKind: AuditActorKind.ACCOUNT,
        actorId: principal.accountId,
        action: AuditAction.ACCESS_REFUSED,
        details: { lead: isLead },
      });
      if (!isLead) {
        throw new SafeguardingException(
          SafeguardingErrorCode.SG_NOT_A_LEAD,
          'Only safeguarding leads can open concern reports.',
        );
      }
      throw new CoreException(CoreErrorCode.FORBIDDEN, 'Not a lead for this report.', {
        reportId,
      });
    }
    return report;
  }

  private summary(r: ConcernReportEntity, schoolName: string, now: Date): ConcernSummary {
    return {
      id: r.id,
      schoolOrgNodeId: r.schoolOrgNodeId,
      schoolName,
      source: r.source,
      category: r.category,
      imminentDanger: r.imminentDanger,
      state: r.state,
      referredTo: r.referredTo,
      receivedAt: r.receivedAt,
      dueAt: r.dueAt,
      overdue: r.state === ConcernState.NEW && r.dueAt.getTime() < now.getTime(),
      escalationLevel: r.escalationLevel,
      escalatedToOrgNodeId: r.escalatedToOrgNodeId,
      erased: Boolean(r.erasedAt),
    };
  }

  private decryptDetails(r: ConcernReportEntity): ConcernDetails | null {
    return r.detailsEncrypted
      ? this.crypto.decryptJson<ConcernDetails>(r.detailsEncrypted, r.id)
      : null;
  }

  private async insertNote(
    m: EntityManager,
    reportId: string,
    authorAccountId: string,
    body: string,
  ): Promise<void> {
    await m.getRepository(ConcernNoteEntity).insert({
      id: randomUUID(),
      reportId,
      authorAccountId,
      bodyEncrypted: this.crypto.encrypt(body, reportId),
    });
  }

  private async schoolNames(ids: string[]): Promise<Map<string, string>> {
    const nodes = await this.orgs.getMany([...new Set(ids)]);
    return new Map(nodes.map((n) => [n.id, n.name]));
  }
}

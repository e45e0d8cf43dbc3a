import {
  BAND_GRADES,
  CampaignEntity,
  CampaignsService,
  GradeBand,
  isGradeBand,
  vnToday,
} from '@lib/campaigns';
import { AccessService, FieldEncryptionService, Principal, Role } from '@lib/core';
import { isIsoDate, OrgNodeEntity, OrgsService, OrgType } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { BAND_KEY, contributionOf, minModulesOf } from './compute.util';
import { CoverageErrorCode, CoverageException } from './coverage.exception';
import {
  AuditEntity,
  DeliveryEntity,
  EnrolmentEntity,
  OfflineSessionEntity,
  ReportEntity,
  SchoolModuleEntity,
} from './entities/delivery.entity';
import { moduleKeyOf, StatsService } from './stats.service';

export interface CompletionInput {
  schoolOrgNodeId: string;
  moduleId: string;
  band: GradeBand;
  grade?: number;
  /** The pseudonymous user id of the learner (hashed again before it is stored). */
  learnerKey: string;
  completedAt: Date;
  scorePercent: number;
}

export interface OfflineSessionInput {
  schoolOrgNodeId: string;
  heldOn: string;
  band: GradeBand;
  grades?: number[];
  moduleId?: string | null;
  topic?: string | null;
  participants: number;
  evidenceNote: string;
}

const bad = (message: string, field: string): CoverageException =>
  new CoverageException(CoverageErrorCode.COVERAGE_INVALID, message, { field });

const num = (o: object, f: string): number => Number((o as Record<string, unknown>)[f] ?? 0);
const bump = (o: object, f: string, by = 1): void => {
  (o as Record<string, number>)[f] = num(o, f) + by;
};

/**
 * Deliveries: completions from the lesson player and offline sessions recorded by a unit's
 * admin. Each moves the unit's counters and the rollups above it in the caller's transaction.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly orgs: OrgsService,
    private readonly stats: StatsService,
    private readonly crypto: FieldEncryptionService,
    private readonly access: AccessService,
  ) {}

  /**
   * Counts one learner's completion of one module for every active campaign that expects the
   * school on that day. Idempotent per learner + module + campaign: a second call changes
   * nothing. Call it inside the grading transaction; returns the campaigns it counted for.
   */
  async recordCompletion(manager: EntityManager, input: CompletionInput): Promise<string[]> {
    if (!isGradeBand(input.band)) {
      throw bad('Unknown band.', 'band');
    }
    if (!input.moduleId || input.moduleId.length > 100) {
      throw bad('Module id is required.', 'moduleId');
    }
    if (!input.learnerKey) {
      throw bad('Learner key is required.', 'learnerKey');
    }
    const school = await this.orgs.getById(input.schoolOrgNodeId, manager);
    const day = vnToday(input.completedAt);
    const covering = await this.campaigns.covering(school, day, manager);
    const learnerHash = this.crypto.blindIndex('coverage-learner', input.learnerKey);
    const counted: string[] = [];
    for (const c of covering) {
      const stat = await this.stats.lockUnit(manager, c, school);
      const deliveries = manager.getRepository(DeliveryEntity);
      if (
        await deliveries.exists({
          where: { campaignId: c.id, learnerHash, moduleId: input.moduleId },
        })
      ) {
        continue;
      }
      const before = contributionOf(stat);
      await manager
        .createQueryBuilder()
        .insert()
        .into(DeliveryEntity)
        .values({
          id: randomUUID(),
          campaignId: c.id,
          schoolId: school.id,
          band: input.band,
          grade: input.grade ?? null,
          moduleId: input.moduleId,
          learnerHash,
          completedAt: input.completedAt,
          scorePercent: Math.max(0, Math.min(100, Math.round(input.scorePercent))),
        })
        .orIgnore()
        .execute();
      const k = BAND_KEY[input.band];
      const n = await deliveries.count({
        where: { campaignId: c.id, learnerHash, band: input.band },
      });
      if (n === 1) {
        bump(stat, `onlineReached${k}`);
      }
      if (n === minModulesOf(c, input.band)) {
        bump(stat, `onlineCompleted${k}`);
      }
      if (await this.addModule(manager, c, school.id, input.band, input.moduleId)) {
        bump(stat, `modules${k}`);
      }
      stat.completions = num(stat, 'completions') + 1;
      await this.stats.saveUnit(manager, c, stat, before);
      counted.push(c.id);
    }
    return counted;
  }

  /** {@link recordCompletion} in a transaction of its own (seeds, scripts). */
  async recordCompletionNow(input: CompletionInput): Promise<string[]> {
    return this.dataSource.transaction((manager) => this.recordCompletion(manager, input));
  }

  private async addModule(
    manager: EntityManager,
    c: CampaignEntity,
    schoolId: string,
    band: string,
    moduleKey: string,
  ): Promise<boolean> {
    const repo = manager.getRepository(SchoolModuleEntity);
    if (await repo.exists({ where: { campaignId: c.id, schoolId, band, moduleKey } })) {
      return false;
    }
    await manager
      .createQueryBuilder()
      .insert()
      .into(SchoolModuleEntity)
      .values({ id: randomUUID(), campaignId: c.id, schoolId, band, moduleKey })
      .orIgnore()
      .execute();
    return true;
  }

  /** Records an offline session (school or facility admin); counted like online delivery. */
  async recordOfflineSession(
    principal: Principal,
    input: OfflineSessionInput,
  ): Promise<OfflineSessionEntity> {
    await this.access.assertAccess(principal, input.schoolOrgNodeId, [Role.SCHOOL_ADMIN]);
    const unit = await this.orgs.getById(input.schoolOrgNodeId);
    assertUnit(unit);
    if (!isGradeBand(input.band)) {
      throw bad('Choose a band.', 'band');
    }
    if (!isIsoDate(input.heldOn) || input.heldOn > vnToday()) {
      throw bad('Give the date the session was held (not in the future).', 'heldOn');
    }
    const grades = [...new Set(input.grades ?? [])];
    if (grades.some((g) => !BAND_GRADES[input.band].includes(g))) {
      throw bad('Grades must belong to the band.', 'grades');
    }
    const moduleId = input.moduleId?.trim() || null;
    const topic = input.topic?.trim().slice(0, 200) || null;
    if (!moduleId && !topic) {
      throw bad('Give a module or a topic.', 'topic');
    }
    if (
      !Number.isInteger(input.participants) ||
      input.participants < 1 ||
      input.participants > 5000
    ) {
      throw bad('Participants must be 1 to 5000.', 'participants');
    }
    const evidenceNote = input.evidenceNote.trim().slice(0, 1000);
    if (evidenceNote.length < 3) {
      throw bad(
        'Describe the evidence (e.g. attendance sheet kept by the homeroom teacher).',
        'evidenceNote',
      );
    }
    const covering = await this.campaigns.covering(unit, input.heldOn);
    for (const c of covering) {
      await this.assertEntryOpen(c, unit);
    }
    return this.dataSource.transaction(async (manager) => {
      const row = manager.getRepository(OfflineSessionEntity).create({
        id: randomUUID(),
        schoolId: unit.id,
        heldOn: input.heldOn,
        band: input.band,
        grades,
        moduleId,
        topic,
        participants: input.participants,
        evidenceNote,
        recordedBy: principal.accountId,
      });
      await manager.getRepository(OfflineSessionEntity).insert(row);
      for (const c of covering) {
        await this.addModule(manager, c, unit.id, input.band, moduleKeyOf(row));
        await this.stats.recomputeUnit(manager, c, unit);
        await manager.getRepository(AuditEntity).insert({
          id: randomUUID(),
          campaignId: c.id,
          orgNodeId: unit.id,
          action: 'offline_recorded',
          actorAccountId: principal.accountId,
          reason: null,
        });
      }
      this.logger.log({ msg: 'offline session recorded', sessionId: row.id, orgNodeId: unit.id });
      return row;
    });
  }

  async offlineSessions(schoolId: string): Promise<OfflineSessionEntity[]> {
    return this.dataSource
      .getRepository(OfflineSessionEntity)
      .find({ where: { schoolId }, order: { heldOn: 'DESC' }, take: 50 });
  }

  /** Refuses entry when the unit's report is submitted or approved, or the lock date passed. */
  async assertEntryOpen(c: CampaignEntity, unit: OrgNodeEntity): Promise<void> {
    const report = await this.dataSource
      .getRepository(ReportEntity)
      .findOne({ where: { campaignId: c.id, orgNodeId: unit.id } });
    if (report && (report.status === 'submitted' || report.status === 'approved')) {
      throw new CoverageException(
        CoverageErrorCode.COVERAGE_LOCKED,
        'The report is submitted; data is locked.',
        {
          campaignId: c.id,
        },
      );
    }
    if (!(await this.campaigns.entryOpen(c, unit.path))) {
      throw new CoverageException(
        CoverageErrorCode.COVERAGE_LOCKED,
        'Entry for this period is closed.',
        {
          campaignId: c.id,
        },
      );
    }
  }
}

export function assertUnit(unit: OrgNodeEntity): void {
  if (unit.type !== OrgType.SCHOOL && unit.type !== OrgType.FACILITY) {
    throw bad('Only a school or facility records this.', 'orgNodeId');
  }
}

/**
 * Enrolment counts: declared by a unit's admin, or counted from LMS rosters (NRPS) per class.
 * A change re-derives the unit's figures in every active campaign that expects it.
 */
@Injectable()
export class EnrolmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly orgs: OrgsService,
    private readonly stats: StatsService,
    private readonly access: AccessService,
    private readonly deliveries: DeliveryService,
  ) {}

  /** A school admin declares how many pupils a band has (overrides roster counts). */
  async declare(
    principal: Principal,
    input: { schoolOrgNodeId: string; band: GradeBand; learners: number },
  ): Promise<void> {
    await this.access.assertAccess(principal, input.schoolOrgNodeId, [Role.SCHOOL_ADMIN]);
    if (!Number.isInteger(input.learners) || input.learners < 0 || input.learners > 100_000) {
      throw bad('Learners must be 0 to 100000.', 'learners');
    }
    if (!isGradeBand(input.band)) {
      throw bad('Unknown band.', 'band');
    }
    const unit = await this.orgs.getById(input.schoolOrgNodeId);
    assertUnit(unit);
    for (const c of await this.campaigns.covering(unit, vnToday())) {
      await this.deliveries.assertEntryOpen(c, unit);
    }
    await this.dataSource.transaction(async (manager) => {
      await this.upsert(
        manager,
        unit.id,
        'declared',
        '',
        input.band,
        input.learners,
        principal.accountId,
      );
      await this.rederive(manager, unit, principal.accountId);
    });
  }

  /**
   * The LTI roster sync reports how many learners a class (context) has; call it in the sync's
   * transaction. `band` may be unknown (the count then belongs to no band).
   */
  async upsertRosterCount(
    manager: EntityManager,
    input: {
      schoolOrgNodeId: string;
      contextId: string;
      band?: GradeBand | null;
      learners: number;
    },
  ): Promise<void> {
    if (!input.contextId || input.contextId.length > 255) {
      throw bad('Context id is required.', 'contextId');
    }
    if (!Number.isInteger(input.learners) || input.learners < 0) {
      throw bad('Learners must be a whole number.', 'learners');
    }
    const band = input.band && isGradeBand(input.band) ? input.band : '';
    const unit = await this.orgs.getById(input.schoolOrgNodeId, manager);
    const existing = await manager.getRepository(EnrolmentEntity).findOne({
      where: { schoolId: unit.id, source: 'roster', contextId: input.contextId, band },
    });
    if (existing?.learners === input.learners) {
      return;
    }
    await this.upsert(manager, unit.id, 'roster', input.contextId, band, input.learners, null);
    await this.rederive(manager, unit, null);
  }

  async ofUnit(schoolId: string): Promise<EnrolmentEntity[]> {
    return this.dataSource.getRepository(EnrolmentEntity).find({ where: { schoolId } });
  }

  private async upsert(
    manager: EntityManager,
    schoolId: string,
    source: 'declared' | 'roster',
    contextId: string,
    band: string,
    learners: number,
    by: string | null,
  ): Promise<void> {
    const repo = manager.getRepository(EnrolmentEntity);
    const found = await repo.findOne({ where: { schoolId, source, contextId, band } });
    if (found) {
      await repo.update({ id: found.id }, { learners, updatedBy: by });
    } else {
      await repo.insert({
        id: randomUUID(),
        schoolId,
        source,
        contextId,
        band,
        learners,
        updatedBy: by,
      });
    }
  }

  private async rederive(
    manager: EntityManager,
    unit: OrgNodeEntity,
    by: string | null,
  ): Promise<void> {
    for (const c of await this.campaigns.covering(unit, vnToday(), manager)) {
      const stat = await this.stats.lockUnit(manager, c, unit);
      const before = contributionOf(stat);
      await this.stats.loadEnrolment(manager, [stat]);
      await this.stats.saveUnit(manager, c, stat, before);
      if (by) {
        await manager.getRepository(AuditEntity).insert({
          id: randomUUID(),
          campaignId: c.id,
          orgNodeId: unit.id,
          action: 'enrolment_declared',
          actorAccountId: by,
          reason: null,
        });
      }
    }
  }
}

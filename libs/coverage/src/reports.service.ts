import { CampaignEntity, CampaignsService, GRADE_BANDS } from '@lib/campaigns';
import { AccessService, Principal, Role } from '@lib/core';
import { OrgNodeEntity, OrgsService, OrgType } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { BAND_KEY, contributionOf, STUDENT_METRICS } from './compute.util';
import { CoverageErrorCode, CoverageException } from './coverage.exception';
import { DeliveryService, assertUnit } from './delivery.service';
import { AuditEntity, ReportEntity } from './entities/delivery.entity';
import { RollupEntity, SchoolStatEntity } from './entities/stats.entity';
import { StatsService } from './stats.service';

const isUnit = (n: OrgNodeEntity): boolean =>
  n.type === OrgType.SCHOOL || n.type === OrgType.FACILITY;

/**
 * The period reports, DHIS2-style: a unit submits (figures filled from tracked delivery, with
 * remarks); approval runs bottom-up, a level approving only when every unit and node below it
 * is approved; approved data is locked; the level above can send a report back with a reason.
 * Every step writes an audit row.
 */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly orgs: OrgsService,
    private readonly stats: StatsService,
    private readonly deliveries: DeliveryService,
    private readonly access: AccessService,
  ) {}

  async submit(
    principal: Principal,
    campaignId: string,
    unitId: string,
    remarks: string,
  ): Promise<ReportEntity> {
    await this.access.assertAccess(principal, unitId, [Role.SCHOOL_ADMIN]);
    const c = await this.campaigns.get(campaignId);
    const unit = await this.orgs.getById(unitId);
    assertUnit(unit);
    this.assertInCampaign(c, unit);
    await this.deliveries.assertEntryOpen(c, unit);
    const now = new Date();
    return this.dataSource.transaction(async (manager) => {
      const stat = await this.stats.lockUnit(manager, c, unit);
      const before = contributionOf(stat);
      const onTime = now <= this.campaigns.dueAt(c);
      const report = await this.upsertReport(manager, c.id, unit.id, 'unit', {
        status: 'submitted',
        remarks: remarks.trim().slice(0, 2000),
        snapshot: snapshotOf(stat),
        submittedAt: now,
        onTime,
        returnedReason: null,
        approvedAt: null,
        approvedBy: null,
      });
      stat.reportStatus = 'submitted';
      stat.reportOnTime = onTime;
      await this.stats.saveUnit(manager, c, stat, before);
      await this.audit(manager, c.id, unit.id, 'submitted', principal.accountId, null);
      this.logger.log({ msg: 'report submitted', campaignId: c.id, orgNodeId: unit.id, onTime });
      return report;
    });
  }

  async approve(principal: Principal, campaignId: string, nodeId: string): Promise<ReportEntity> {
    const c = await this.campaigns.get(campaignId);
    const node = await this.orgs.getById(nodeId);
    this.assertInCampaign(c, node);
    await this.access.assertAccess(principal, this.approverNode(c, node), [Role.OFFICIAL]);
    return this.dataSource.transaction(async (manager) => {
      await this.stats.lockCampaign(manager, c.id);
      if (isUnit(node)) {
        const stat = await this.stats.lockUnit(manager, c, node);
        if (stat.reportStatus !== 'submitted') {
          throw new CoverageException(
            CoverageErrorCode.COVERAGE_WRONG_STATE,
            'Only a submitted report can be approved.',
            {
              status: stat.reportStatus,
            },
          );
        }
        const before = contributionOf(stat);
        stat.reportStatus = 'approved';
        await this.stats.saveUnit(manager, c, stat, before);
      } else {
        const pending = await this.pendingBelow(manager, c, node.id);
        if (pending.units + pending.nodes > 0 || pending.expected === 0) {
          throw new CoverageException(
            CoverageErrorCode.COVERAGE_NOT_READY,
            'Everything below must be approved first.',
            pending,
          );
        }
      }
      const report = await this.upsertReport(
        manager,
        c.id,
        node.id,
        isUnit(node) ? 'unit' : 'node',
        {
          status: 'approved',
          approvedAt: new Date(),
          approvedBy: principal.accountId,
          returnedReason: null,
        },
      );
      await this.audit(manager, c.id, node.id, 'approved', principal.accountId, null);
      return report;
    });
  }

  async sendBack(
    principal: Principal,
    campaignId: string,
    nodeId: string,
    reason: string,
  ): Promise<ReportEntity> {
    const text = reason.trim().slice(0, 1000);
    if (text.length < 3) {
      throw new CoverageException(
        CoverageErrorCode.COVERAGE_INVALID,
        'Say why the report goes back.',
        {
          field: 'reason',
        },
      );
    }
    const c = await this.campaigns.get(campaignId);
    const node = await this.orgs.getById(nodeId);
    this.assertInCampaign(c, node);
    await this.access.assertAccess(principal, this.senderNode(c, node), [Role.OFFICIAL]);
    return this.dataSource.transaction(async (manager) => {
      await this.stats.lockCampaign(manager, c.id);
      const parentReport =
        node.id !== c.scopeNodeId && node.parentId
          ? await manager
              .getRepository(ReportEntity)
              .findOne({ where: { campaignId: c.id, orgNodeId: node.parentId } })
          : null;
      if (parentReport?.status === 'approved') {
        throw new CoverageException(
          CoverageErrorCode.COVERAGE_LOCKED,
          'The level above has approved it: that level must be sent back first.',
          { orgNodeId: node.parentId },
        );
      }
      const current = await manager
        .getRepository(ReportEntity)
        .findOne({ where: { campaignId: c.id, orgNodeId: node.id } });
      const allowed = isUnit(node) ? ['submitted', 'approved'] : ['approved'];
      if (!current || !allowed.includes(current.status)) {
        throw new CoverageException(
          CoverageErrorCode.COVERAGE_WRONG_STATE,
          'Nothing to send back.',
          {
            status: current?.status ?? 'none',
          },
        );
      }
      if (isUnit(node)) {
        const stat = await this.stats.lockUnit(manager, c, node);
        const before = contributionOf(stat);
        stat.reportStatus = 'returned';
        stat.reportOnTime = false;
        await this.stats.saveUnit(manager, c, stat, before);
      }
      const report = await this.upsertReport(
        manager,
        c.id,
        node.id,
        isUnit(node) ? 'unit' : 'node',
        {
          status: 'returned',
          returnedReason: text,
          approvedAt: null,
          approvedBy: null,
        },
      );
      await this.audit(manager, c.id, node.id, 'returned', principal.accountId, text);
      return report;
    });
  }

  /**
   * Keeps entry open after the lock date for a unit or subtree: granted from above (an official
   * of the parent, or of the node itself when it is the campaign's scope), with an audit row.
   */
  async grantException(
    principal: Principal,
    campaignId: string,
    nodeId: string,
    until: string,
    reason: string,
  ): Promise<void> {
    const node = await this.orgs.getById(nodeId);
    await this.access.assertAccess(principal, node.parentId ?? node.id, [Role.OFFICIAL]);
    const row = await this.campaigns.grantException({
      campaignId,
      orgNodeId: nodeId,
      until,
      reason,
      grantedBy: principal.accountId,
    });
    await this.audit(
      this.dataSource.manager,
      campaignId,
      nodeId,
      'exception',
      principal.accountId,
      `${row.until}: ${row.reason}`.slice(0, 1000),
    );
  }

  /** Units and nodes directly below `nodeId` that are not approved yet. */
  async pendingBelow(
    manager: EntityManager,
    c: CampaignEntity,
    nodeId: string,
  ): Promise<{ units: number; nodes: number; expected: number }> {
    const units = await manager.getRepository(SchoolStatEntity).find({
      where: { campaignId: c.id, parentId: nodeId },
      select: ['reportStatus'],
    });
    const children = await manager.getRepository(RollupEntity).find({
      where: { campaignId: c.id, parentId: nodeId },
      select: ['nodeId', 'expected'],
    });
    const withUnits = children.filter((r) => r.expected > 0);
    const approved = withUnits.length
      ? await manager.getRepository(ReportEntity).count({
          where: {
            campaignId: c.id,
            orgNodeId: In(withUnits.map((r) => r.nodeId)),
            status: 'approved',
          },
        })
      : 0;
    const self = await manager
      .getRepository(RollupEntity)
      .findOne({ where: { campaignId: c.id, nodeId } });
    return {
      units: units.filter((u) => u.reportStatus !== 'approved').length,
      nodes: withUnits.length - approved,
      expected: self?.expected ?? 0,
    };
  }

  async reportOf(campaignId: string, nodeId: string): Promise<ReportEntity | null> {
    return this.dataSource
      .getRepository(ReportEntity)
      .findOne({ where: { campaignId, orgNodeId: nodeId } });
  }

  async trail(campaignId: string, nodeId: string): Promise<AuditEntity[]> {
    return this.dataSource
      .getRepository(AuditEntity)
      .find({ where: { campaignId, orgNodeId: nodeId }, order: { createdAt: 'ASC' } });
  }

  /**
   * Who approves: a unit's report is accepted by the level above it (commune, or province for
   * a school without a commune); a node (commune, province…) approves its own figures once
   * everything below it is approved, DHIS2-style.
   */
  approverNode(c: CampaignEntity, node: OrgNodeEntity): string {
    return isUnit(node) ? (node.parentId ?? node.id) : node.id;
  }

  /** Who sends back: the level above; the campaign's own node may reopen itself. */
  senderNode(c: CampaignEntity, node: OrgNodeEntity): string {
    return node.id === c.scopeNodeId ? node.id : (node.parentId ?? node.id);
  }

  async canApprove(principal: Principal, c: CampaignEntity, node: OrgNodeEntity): Promise<boolean> {
    return this.access.canAccess(principal, this.approverNode(c, node), [Role.OFFICIAL]);
  }

  async canSendBack(
    principal: Principal,
    c: CampaignEntity,
    node: OrgNodeEntity,
  ): Promise<boolean> {
    return this.access.canAccess(principal, this.senderNode(c, node), [Role.OFFICIAL]);
  }

  private assertInCampaign(c: CampaignEntity, node: OrgNodeEntity): void {
    if (!node.path.startsWith(c.scopePath)) {
      throw new CoverageException(
        CoverageErrorCode.COVERAGE_NOT_IN_CAMPAIGN,
        'Not part of this campaign.',
        {
          orgNodeId: node.id,
        },
      );
    }
    if (isUnit(node) && !this.campaigns.expects(c, node)) {
      throw new CoverageException(
        CoverageErrorCode.COVERAGE_NOT_IN_CAMPAIGN,
        'This unit is not expected to report.',
        {
          orgNodeId: node.id,
        },
      );
    }
  }

  private async upsertReport(
    manager: EntityManager,
    campaignId: string,
    orgNodeId: string,
    kind: 'unit' | 'node',
    patch: Partial<ReportEntity>,
  ): Promise<ReportEntity> {
    const repo = manager.getRepository(ReportEntity);
    const found = await repo.findOne({ where: { campaignId, orgNodeId } });
    if (found) {
      await repo.update({ id: found.id }, patch as never);
    } else {
      await repo.insert({
        id: randomUUID(),
        campaignId,
        orgNodeId,
        kind,
        remarks: '',
        snapshot: null,
        submittedAt: null,
        onTime: false,
        approvedAt: null,
        approvedBy: null,
        returnedReason: null,
        status: 'pending',
        ...patch,
      } as never);
    }
    return (await repo.findOne({ where: { campaignId, orgNodeId } }))!;
  }

  private async audit(
    manager: EntityManager,
    campaignId: string,
    orgNodeId: string,
    action: string,
    actor: string | null,
    reason: string | null,
  ): Promise<void> {
    await manager
      .getRepository(AuditEntity)
      .insert({ id: randomUUID(), campaignId, orgNodeId, action, actorAccountId: actor, reason });
  }
}

function snapshotOf(stat: SchoolStatEntity): Record<string, unknown> {
  const bands: Record<string, Record<string, number>> = {};
  for (const b of GRADE_BANDS) {
    bands[b] = Object.fromEntries(
      [...STUDENT_METRICS, 'modules'].map((m) => [
        m,
        Number((stat as unknown as Record<string, number>)[`${m}${BAND_KEY[b]}`]),
      ]),
    );
  }
  return {
    status: stat.status,
    progress: stat.progress,
    completions: stat.completions,
    offlineSessions: stat.offlineSessions,
    bands,
  };
}

import { AccessService, AppConfig, InjectConfig, Principal, Role } from '@lib/core';
import { publishedRate, suppressTable } from '@lib/coverage';
import { OrgNodeEntity, OrgsService, OrgType } from '@lib/orgs';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, DataSource, In } from 'typeorm';
import { ConcernReportEntity } from './entities/concern-report.entity';
import { SafeguardingClock } from './safeguarding.clock';

export interface IndicatorRow {
  orgNodeId: string | null;
  name: string;
  /** null = hidden (small cell). */
  reports: number | null;
  handledInTime: number | null;
  referred: number | null;
  handledInTimeRate: string | null;
}

export interface ConcernIndicators {
  orgNodeId: string;
  name: string;
  from: Date;
  to: Date;
  suppressed: boolean;
  threshold: number;
  rows: IndicatorRow[];
  total: IndicatorRow;
}

const SCHOOL_TYPES = [OrgType.SCHOOL, OrgType.FACILITY];

/**
 * Aggregate indicators of the concern channel for a node: reports received, acknowledged
 * within the triage time, and referred to 111/police/health — per child unit. Only counts,
 * never a report. Shown plainly to a school's own leads and admins; everywhere else small
 * cells are suppressed (COVERAGE_SUPPRESSION_THRESHOLD, with complementary suppression) and
 * extreme rates coded, with the coverage lib's helpers.
 */
@Injectable()
export class ConcernIndicatorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orgs: OrgsService,
    private readonly access: AccessService,
    private readonly clock: SafeguardingClock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async forNode(
    principal: Principal,
    orgNodeId: string,
    window: { from?: Date; to?: Date } = {},
  ): Promise<ConcernIndicators> {
    await this.access.assertAccess(principal, orgNodeId, [
      Role.OFFICIAL,
      Role.SAFEGUARDING_LEAD,
      Role.SCHOOL_ADMIN,
    ]);
    const node = await this.orgs.getById(orgNodeId);
    const isSchool = SCHOOL_TYPES.includes(node.type);
    // Plain figures only for the school's own people; anyone reading from above gets aggregates.
    const suppressed = !(
      isSchool &&
      principal.bindings.some(
        (b) =>
          b.orgNodeId === node.id &&
          (b.role === Role.SAFEGUARDING_LEAD || b.role === Role.SCHOOL_ADMIN),
      )
    );
    const to = window.to ?? this.clock.now();
    const from = window.from ?? new Date(to.getTime() - 365 * 86_400_000);
    const units: OrgNodeEntity[] = isSchool ? [node] : await this.orgs.children(node.id);
    const subtree = await this.orgs.subtree(node.id);
    const unitOf = new Map<string, number>();
    for (const n of subtree.filter((x) => SCHOOL_TYPES.includes(x.type))) {
      const i = units.findIndex((u) => n.path.startsWith(u.path));
      if (i >= 0) {
        unitOf.set(n.id, i);
      }
    }
    const counts = units.map(() => ({ reports: 0, handled: 0, referred: 0 }));
    const schoolIds = [...unitOf.keys()];
    for (let i = 0; i < schoolIds.length; i += 500) {
      const rows = await this.dataSource.getRepository(ConcernReportEntity).find({
        select: ['schoolOrgNodeId', 'slaDueAt', 'acknowledgedAt', 'referredAt'],
        where: { schoolOrgNodeId: In(schoolIds.slice(i, i + 500)), receivedAt: Between(from, to) },
      });
      for (const r of rows) {
        const c = counts[unitOf.get(r.schoolOrgNodeId)!];
        c.reports++;
        if (r.acknowledgedAt && r.acknowledgedAt.getTime() <= r.slaDueAt.getTime()) {
          c.handled++;
        }
        if (r.referredAt) {
          c.referred++;
        }
      }
    }
    const threshold = suppressed ? this.config.coverage.suppressionThreshold : 1;
    const col = (pick: (c: (typeof counts)[number]) => number) => {
      const t = suppressTable(
        counts.map((c) => [pick(c)]),
        threshold,
      );
      return { cells: t.cells.map((r) => r[0]), total: t.grand };
    };
    const reports = col((c) => c.reports);
    const handled = col((c) => c.handled);
    const referred = col((c) => c.referred);
    const row = (i: number | null): IndicatorRow => {
      const rep = i === null ? reports.total : reports.cells[i];
      const han = i === null ? handled.total : handled.cells[i];
      return {
        orgNodeId: i === null ? null : units[i].id,
        name: i === null ? node.name : units[i].name,
        reports: rep,
        handledInTime: han,
        referred: i === null ? referred.total : referred.cells[i],
        handledInTimeRate: publishedRate(han, rep, suppressed),
      };
    };
    return {
      orgNodeId: node.id,
      name: node.name,
      from,
      to,
      suppressed,
      threshold: this.config.coverage.suppressionThreshold,
      rows: units.map((_, i) => row(i)),
      total: row(null),
    };
  }
}

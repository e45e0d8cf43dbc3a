import {
  CampaignEntity,
  CampaignsService,
  CreateCampaignInput,
  GRADE_BANDS,
  GradeBand,
} from '@lib/campaigns';
import { AccessService, AppConfig, InjectConfig, Principal, Role } from '@lib/core';
import { OrgNodeEntity, OrgsService, OrgType } from '@lib/orgs';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Like, Not } from 'typeorm';
import { BAND_KEY, StudentMetric, STUDENT_METRICS } from './compute.util';
import { CoverageErrorCode, CoverageException } from './coverage.exception';
import { ReportEntity } from './entities/delivery.entity';
import { RollupEntity, SchoolStatEntity } from './entities/stats.entity';
import { StatsService } from './stats.service';
import { plainTable, publishedRate, suppressTable, SuppressedTable } from './suppression.util';

export interface Counts {
  expected: number;
  received: number;
  onTime: number;
  approved: number;
  met: number;
  atRisk: number;
  started: number;
  notStarted: number;
  reportingRate: string | null;
  onTimeRate: string | null;
  metRate: string | null;
}

/** A published pupil figure: null when hidden by suppression. */
export type Figure = number | null;

export interface BandFigures {
  band: GradeBand | 'total';
  enrolled: Figure;
  reached: Figure;
  completed: Figure;
  reachedRate: string | null;
  completedRate: string | null;
}

export interface ChildRow {
  id: string;
  code: string;
  name: string;
  type: OrgType;
  isUnit: boolean;
  counts: Counts;
  status: string | null;
  reportStatus: string | null;
  bands: BandFigures[];
  total: BandFigures;
}

export interface CoverageView {
  campaign: CampaignEntity;
  node: OrgNodeEntity;
  isUnit: boolean;
  suppressed: boolean;
  threshold: number;
  counts: Counts;
  status: string | null;
  bands: BandFigures[];
  total: BandFigures;
  children: ChildRow[];
  neverReported: { id: string; code: string; name: string }[];
  neverReportedCount: number;
  report: ReportEntity | null;
  dueAt: Date;
  lockAt: Date;
}

const rate = (a: number, b: number): string | null =>
  b > 0 ? `${Math.round((1000 * a) / b) / 10}%` : null;

function countsOf(r: Record<string, unknown>): Counts {
  const n = (f: string): number => Number(r[f] ?? 0);
  return {
    expected: n('expected'),
    received: n('received'),
    onTime: n('onTime'),
    approved: n('approved'),
    met: n('met'),
    atRisk: n('atRisk'),
    started: n('started'),
    notStarted: n('expected') - n('started'),
    reportingRate: rate(n('received'), n('expected')),
    onTimeRate: rate(n('onTime'), n('expected')),
    metRate: rate(n('met'), n('expected')),
  };
}

function unitCounts(s: SchoolStatEntity): Record<string, number> {
  const received = s.reportStatus === 'submitted' || s.reportStatus === 'approved';
  return {
    expected: 1,
    received: received ? 1 : 0,
    onTime: received && s.reportOnTime ? 1 : 0,
    approved: s.reportStatus === 'approved' ? 1 : 0,
    met: s.status === 'met' ? 1 : 0,
    atRisk: s.status === 'at_risk' ? 1 : 0,
    started: s.status === 'not_started' ? 0 : 1,
  };
}

/**
 * What dashboards, GraphQL and exports show for one node of one campaign: reporting counts,
 * pupil figures per band (suppressed above school level), the rows of the level below, and
 * the units that never reported. Every read checks access to the node first.
 */
@Injectable()
export class CoverageViewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly orgs: OrgsService,
    private readonly stats: StatsService,
    private readonly access: AccessService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Defines a campaign (official at the scope node) and sets up its units and rollups. */
  async launch(principal: Principal, input: CreateCampaignInput): Promise<CampaignEntity> {
    await this.access.assertAccess(principal, input.scopeNodeId, [Role.OFFICIAL]);
    return this.dataSource.transaction(async (manager) => {
      const c = await this.campaigns.create(input, principal.accountId, manager);
      await this.stats.lockCampaign(manager, c.id, true);
      await this.stats.initCampaign(manager, c);
      return c;
    });
  }

  /** Campaigns the principal may read at this node. */
  async campaignsAt(principal: Principal, nodeId: string): Promise<CampaignEntity[]> {
    await this.access.assertAccess(principal, nodeId);
    const node = await this.orgs.getById(nodeId);
    return this.campaigns.forNode(node.path);
  }

  /**
   * `page`: which page of the never-reported list (in a stable order); the children are all
   * returned, since complementary suppression must see the whole table.
   */
  async view(
    principal: Principal,
    campaignId: string,
    nodeId: string,
    page: { offset?: number; limit?: number } = {},
  ): Promise<CoverageView> {
    await this.access.assertAccess(principal, nodeId, [Role.OFFICIAL, Role.SCHOOL_ADMIN]);
    const c = await this.campaigns.get(campaignId);
    const node = await this.orgs.getById(nodeId);
    if (!node.path.startsWith(c.scopePath) && !c.scopePath.startsWith(node.path)) {
      throw new CoverageException(
        CoverageErrorCode.COVERAGE_NOT_IN_CAMPAIGN,
        'Not part of this campaign.',
        {
          orgNodeId: nodeId,
        },
      );
    }
    // A node above the campaign reads it through the campaign's own node.
    const focus = node.path.startsWith(c.scopePath) ? node : await this.orgs.getById(c.scopeNodeId);
    const isUnit = focus.type === OrgType.SCHOOL || focus.type === OrgType.FACILITY;
    // Only the unit's own people read its figures unsuppressed.
    const suppressed = !(
      isUnit && (await this.access.canAccess(principal, focus.id, [Role.SCHOOL_ADMIN]))
    );
    const threshold = this.config.coverage.suppressionThreshold;
    const report = await this.dataSource
      .getRepository(ReportEntity)
      .findOne({ where: { campaignId: c.id, orgNodeId: focus.id } });
    const base = {
      campaign: c,
      node: focus,
      isUnit,
      suppressed,
      threshold,
      report,
      dueAt: this.campaigns.dueAt(c),
      lockAt: this.campaigns.lockAt(c),
    };
    if (isUnit) {
      const stat = await this.dataSource
        .getRepository(SchoolStatEntity)
        .findOne({ where: { campaignId: c.id, schoolId: focus.id } });
      if (!stat) {
        throw new CoverageException(
          CoverageErrorCode.COVERAGE_NOT_IN_CAMPAIGN,
          'This unit is not expected to report.',
          {
            orgNodeId: focus.id,
          },
        );
      }
      const table = this.table([stat], suppressed, threshold);
      return {
        ...base,
        counts: countsOf(unitCounts(stat)),
        status: stat.status,
        bands: table.rows[0],
        total: table.rowTotals[0],
        children: [],
        neverReported: [],
        neverReportedCount:
          stat.reportStatus === 'submitted' || stat.reportStatus === 'approved' ? 0 : 1,
      };
    }
    const roll = await this.dataSource
      .getRepository(RollupEntity)
      .findOne({ where: { campaignId: c.id, nodeId: focus.id } });
    const childNodes = await this.dataSource
      .getRepository(RollupEntity)
      .find({ where: { campaignId: c.id, parentId: focus.id, expected: Not(0) } });
    const childUnits = await this.dataSource
      .getRepository(SchoolStatEntity)
      .find({ where: { campaignId: c.id, parentId: focus.id } });
    const names = new Map(
      (
        await this.orgs.getMany([
          ...childNodes.map((r) => r.nodeId),
          ...childUnits.map((s) => s.schoolId),
        ])
      ).map((n) => [n.id, n]),
    );
    const reports = childNodes.length
      ? await this.dataSource.getRepository(ReportEntity).find({
          where: { campaignId: c.id, orgNodeId: In(childNodes.map((r) => r.nodeId)) },
        })
      : [];
    const sources: Record<string, unknown>[] = [...childNodes, ...childUnits] as never;
    const table = this.table(sources, suppressed, threshold);
    const children: ChildRow[] = sources.map((src, i) => {
      const isU = 'schoolId' in src;
      const id = String(isU ? src.schoolId : src.nodeId);
      const n = names.get(id);
      return {
        id,
        code: n?.code ?? '',
        name: n?.name ?? id,
        type: n?.type ?? OrgType.SCHOOL,
        isUnit: isU,
        counts: countsOf(isU ? unitCounts(src as unknown as SchoolStatEntity) : src),
        status: isU ? String(src.status) : null,
        reportStatus: isU
          ? String(src.reportStatus)
          : (reports.find((r) => r.orgNodeId === id)?.status ?? 'pending'),
        bands: table.rows[i],
        total: table.rowTotals[i],
      };
    });
    children.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    // Paged in id order: the unique (campaign, school) index returns the first rows of a page
    // without reading and sorting every lagging unit of the subtree (30,000 nationally).
    const neverWhere = {
      campaignId: c.id,
      orgPath: Like(`${focus.path}%`),
      reportStatus: In(['none', 'returned']),
    };
    const statRepo = this.dataSource.getRepository(SchoolStatEntity);
    const [never, neverCount] = await Promise.all([
      statRepo.find({
        where: neverWhere,
        select: ['schoolId'],
        order: { schoolId: 'ASC' },
        skip: Math.max(0, page.offset ?? 0),
        take: Math.min(500, Math.max(1, page.limit ?? 200)),
      }),
      statRepo.count({ where: neverWhere }),
    ]);
    const neverNodes = new Map(
      (await this.orgs.getMany(never.map((s) => s.schoolId))).map((n) => [n.id, n]),
    );
    const neverRows = never.flatMap((s) => {
      const n = neverNodes.get(s.schoolId);
      return n ? [{ id: n.id, code: n.code, name: n.name }] : [];
    });
    // The node's own totals are the table's grand totals, so hidden cells stay hidden there too.
    return {
      ...base,
      counts: countsOf((roll ?? {}) as Record<string, unknown>),
      status: null,
      bands: table.colTotals,
      total: table.grand,
      children,
      neverReported: neverRows,
      neverReportedCount: neverCount,
    };
  }

  /** Pupil figures of some rows, suppressed per metric (rows × bands, with totals). */
  private table(
    sources: object[],
    suppress: boolean,
    threshold: number,
  ): {
    rows: BandFigures[][];
    rowTotals: BandFigures[];
    colTotals: BandFigures[];
    grand: BandFigures;
  } {
    const tables = {} as Record<StudentMetric, SuppressedTable>;
    for (const m of STUDENT_METRICS) {
      const matrix = sources.map((s) =>
        GRADE_BANDS.map((b) => Number((s as Record<string, unknown>)[`${m}${BAND_KEY[b]}`] ?? 0)),
      );
      tables[m] = suppress ? suppressTable(matrix, threshold) : plainTable(matrix);
    }
    const fig = (band: GradeBand | 'total', e: Figure, r: Figure, c: Figure): BandFigures => ({
      band,
      enrolled: e,
      reached: r,
      completed: c,
      reachedRate: publishedRate(r, e, suppress),
      completedRate: publishedRate(c, e, suppress),
    });
    const rows = sources.map((_, i) =>
      GRADE_BANDS.map((b, j) =>
        fig(
          b,
          tables.enrolled.cells[i][j],
          tables.reached.cells[i][j],
          tables.completed.cells[i][j],
        ),
      ),
    );
    const rowTotals = sources.map((_, i) =>
      fig(
        'total',
        tables.enrolled.rowTotals[i],
        tables.reached.rowTotals[i],
        tables.completed.rowTotals[i],
      ),
    );
    const colTotals = GRADE_BANDS.map((b, j) =>
      fig(
        b,
        tables.enrolled.colTotals[j],
        tables.reached.colTotals[j],
        tables.completed.colTotals[j],
      ),
    );
    const grand = fig('total', tables.enrolled.grand, tables.reached.grand, tables.completed.grand);
    if (sources.length === 0) {
      return {
        rows,
        rowTotals,
        colTotals: GRADE_BANDS.map((b) => fig(b, 0, 0, 0)),
        grand: fig('total', 0, 0, 0),
      };
    }
    return { rows, rowTotals, colTotals, grand };
  }
}

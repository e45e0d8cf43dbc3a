import {
  bandsOfLevels,
  CampaignEntity,
  CampaignsService,
  GRADE_BANDS,
  GradeBand,
  vnToday,
} from '@lib/campaigns';
import { isPostgres } from '@lib/core';
import { OrgNodeEntity, OrgsService, OrgType } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, Like } from 'typeorm';
import {
  addInto,
  ancestorsInScope,
  BAND_KEY,
  contributionOf,
  Contribution,
  CONTRIBUTION_FIELDS,
  delta,
  deriveUnit,
  minModulesOf,
  snake,
  zeroContribution,
} from './compute.util';
import {
  EnrolmentEntity,
  OfflineSessionEntity,
  SchoolModuleEntity,
} from './entities/delivery.entity';
import { RollupEntity, SchoolStatEntity } from './entities/stats.entity';

export interface RebuildResult {
  campaignId: string;
  units: number;
  nodes: number;
  /** Units whose stored figures differed from the recomputed ones (0 = incremental agreed). */
  unitsChanged: number;
  nodesChanged: number;
  ms: number;
}

const CHUNK = 400;

/**
 * Keeps the per-unit stats and per-node rollups of campaigns. Every change to a unit goes
 * through {@link saveUnit}: it re-derives the unit's figures, and adds the difference of its
 * contribution to each node above it, in the caller's transaction. {@link rebuild} recomputes
 * everything from raw records and reports how much the stored figures differed.
 */
@Injectable()
export class StatsService {
  private readonly logger = new Logger(StatsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly orgs: OrgsService,
  ) {}

  /**
   * Serialises writers of one campaign's figures against a rebuild (PostgreSQL advisory lock,
   * shared for deliveries, exclusive for rebuilds); SQLite has a single writer anyway.
   */
  async lockCampaign(manager: EntityManager, campaignId: string, exclusive = false): Promise<void> {
    if (isPostgres()) {
      await manager.query(
        `SELECT ${exclusive ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared'}(hashtext($1))`,
        [`coverage:${campaignId}`],
      );
    }
  }

  /** The unit's stat row, locked for update; created (and counted as expected) if missing. */
  async lockUnit(
    manager: EntityManager,
    c: CampaignEntity,
    unit: OrgNodeEntity,
  ): Promise<SchoolStatEntity> {
    await this.lockCampaign(manager, c.id);
    const find = (): Promise<SchoolStatEntity | null> => {
      const qb = manager
        .getRepository(SchoolStatEntity)
        .createQueryBuilder('s')
        .where('s.campaign_id = :c AND s.school_id = :s', { c: c.id, s: unit.id });
      if (isPostgres()) {
        qb.setLock('pessimistic_write');
      }
      return qb.getOne();
    };
    const found = await find();
    if (found) {
      return found;
    }
    const stat = this.newStat(c, unit);
    await this.loadEnrolment(manager, [stat]);
    const derived = deriveUnit(stat, c, new Date());
    Object.assign(stat, derived.fields, { status: derived.status, progress: derived.progress });
    await manager
      .createQueryBuilder()
      .insert()
      .into(SchoolStatEntity)
      .values(stat)
      .orIgnore()
      .execute();
    const row = (await find())!;
    if (row.id === stat.id) {
      await this.applyDelta(manager, c, row.orgPath, delta(null, contributionOf(row)));
    }
    return row;
  }

  /** Re-derives the unit, stores it, and moves every node above it by the difference. */
  async saveUnit(
    manager: EntityManager,
    c: CampaignEntity,
    stat: SchoolStatEntity,
    before: Contribution,
    now = new Date(),
  ): Promise<void> {
    const derived = deriveUnit(stat, c, now);
    Object.assign(stat, derived.fields, { status: derived.status, progress: derived.progress });
    const { id, ...rest } = stat;
    await manager.getRepository(SchoolStatEntity).update({ id }, rest);
    await this.applyDelta(manager, c, stat.orgPath, delta(before, contributionOf(stat)));
  }

  /** Adds `d` to the rollup rows of the nodes above a unit (creating missing rows first). */
  async applyDelta(
    manager: EntityManager,
    c: CampaignEntity,
    orgPath: string,
    d: Contribution,
  ): Promise<void> {
    const ids = ancestorsInScope(orgPath, c.scopeNodeId);
    if (ids.length === 0 || Object.keys(d).length === 0) {
      return;
    }
    const set: Record<string, () => string> = {};
    for (const [f, v] of Object.entries(d)) {
      set[f] = () => `${snake(f)} + ${Math.trunc(v)}`;
    }
    const update = (nodeIds: string[]) =>
      manager
        .createQueryBuilder()
        .update(RollupEntity)
        .set(set)
        .where('campaign_id = :c AND node_id IN (:...ids)', { c: c.id, ids: nodeIds })
        .execute();
    const res = await update(ids);
    if ((res.affected ?? ids.length) < ids.length) {
      const existing = await manager
        .getRepository(RollupEntity)
        .find({ where: { campaignId: c.id, nodeId: In(ids) }, select: ['nodeId'] });
      const missing = ids.filter((id) => !existing.some((e) => e.nodeId === id));
      await this.ensureRollupRows(manager, c, missing);
      await update(missing);
    }
  }

  private async ensureRollupRows(
    manager: EntityManager,
    c: CampaignEntity,
    nodeIds: string[],
  ): Promise<void> {
    const nodes = nodeIds.length
      ? await manager.getRepository(OrgNodeEntity).find({ where: { id: In(nodeIds) } })
      : [];
    for (let i = 0; i < nodes.length; i += CHUNK) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(RollupEntity)
        .values(
          nodes.slice(i, i + CHUNK).map((n) => ({
            id: randomUUID(),
            campaignId: c.id,
            nodeId: n.id,
            parentId: n.parentId,
            depth: n.depth,
            ...zeroContribution(),
          })),
        )
        .orIgnore()
        .execute();
    }
  }

  /** Creates the stat rows of every expected unit and the rollup rows of every node above them. */
  async initCampaign(manager: EntityManager, c: CampaignEntity): Promise<number> {
    const nodes = await manager.getRepository(OrgNodeEntity).find({
      where: { path: Like(`${c.scopePath}%`) },
    });
    const units = nodes.filter((n) => this.campaigns.expects(c, n));
    const groups = nodes.filter(
      (n) => n.type !== OrgType.SCHOOL && n.type !== OrgType.FACILITY && !n.closedOn,
    );
    await this.ensureRollupRows(
      manager,
      c,
      groups.map((g) => g.id),
    );
    const stats = units.map((u) => this.newStat(c, u));
    await this.loadEnrolment(manager, stats);
    const now = new Date();
    const totals = new Map<string, Contribution>();
    for (const s of stats) {
      const d = deriveUnit(s, c, now);
      Object.assign(s, d.fields, { status: d.status, progress: d.progress });
      for (const id of ancestorsInScope(s.orgPath, c.scopeNodeId)) {
        const t = totals.get(id) ?? zeroContribution();
        addInto(t, contributionOf(s));
        totals.set(id, t);
      }
    }
    for (let i = 0; i < stats.length; i += CHUNK) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(SchoolStatEntity)
        .values(stats.slice(i, i + CHUNK))
        .execute();
    }
    for (const [nodeId, t] of totals) {
      await manager.getRepository(RollupEntity).update({ campaignId: c.id, nodeId }, t);
    }
    return units.length;
  }

  newStat(c: CampaignEntity, unit: OrgNodeEntity): SchoolStatEntity {
    const ids = unit.path.split('/').filter(Boolean);
    const stat = {
      id: randomUUID(),
      campaignId: c.id,
      schoolId: unit.id,
      parentId: ids.length > 1 ? ids[ids.length - 2] : null,
      orgPath: unit.path,
      unitType: unit.type,
      bands: unit.type === OrgType.FACILITY ? [...GRADE_BANDS] : bandsOfLevels(unit.levels),
      completions: 0,
      offlineSessions: 0,
      status: 'not_started',
      progress: 0,
      reportStatus: 'none',
      reportOnTime: false,
    } as unknown as SchoolStatEntity;
    for (const f of CONTRIBUTION_FIELDS) {
      if (/(Ep|Up|Ls|Us)$/.test(f)) {
        (stat as unknown as Record<string, number>)[f] = 0;
      }
    }
    for (const b of GRADE_BANDS) {
      for (const f of ['onlineReached', 'onlineCompleted', 'modules', 'offlineReached']) {
        (stat as unknown as Record<string, number>)[`${f}${BAND_KEY[b]}`] = 0;
      }
    }
    return stat;
  }

  /** Declared counts win; otherwise roster counts add up per band. */
  async loadEnrolment(manager: EntityManager, stats: SchoolStatEntity[]): Promise<void> {
    const bySchool = new Map<string, EnrolmentEntity[]>();
    const ids = stats.map((s) => s.schoolId);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await manager
        .getRepository(EnrolmentEntity)
        .find({ where: { schoolId: In(ids.slice(i, i + CHUNK)) } });
      for (const r of rows) {
        bySchool.set(r.schoolId, [...(bySchool.get(r.schoolId) ?? []), r]);
      }
    }
    for (const s of stats) {
      const rows = bySchool.get(s.schoolId) ?? [];
      for (const band of GRADE_BANDS) {
        (s as unknown as Record<string, number>)[`enrolled${BAND_KEY[band]}`] = effectiveEnrolment(
          rows,
          band,
        );
      }
    }
  }

  /** Recomputes one unit's counters from raw records (offline sessions, enrolment, reports). */
  async recomputeUnit(
    manager: EntityManager,
    c: CampaignEntity,
    unit: OrgNodeEntity,
  ): Promise<SchoolStatEntity> {
    const stat = await this.lockUnit(manager, c, unit);
    const before = contributionOf(stat);
    const fresh = await this.countersFromRaw(manager, c, [stat]);
    Object.assign(stat, fresh.get(stat.schoolId));
    await this.loadEnrolment(manager, [stat]);
    await this.saveUnit(manager, c, stat, before);
    return stat;
  }

  /** Raw counters (deliveries, modules, offline sessions, report) of some units of a campaign. */
  private async countersFromRaw(
    manager: EntityManager,
    c: CampaignEntity,
    stats: SchoolStatEntity[],
    all = false,
  ): Promise<Map<string, Record<string, number | string | boolean>>> {
    const out = new Map<string, Record<string, number | string | boolean>>();
    for (const s of stats) {
      const z: Record<string, number | string | boolean> = {
        completions: 0,
        offlineSessions: 0,
        reportStatus: 'none',
        reportOnTime: false,
      };
      for (const b of GRADE_BANDS) {
        for (const f of ['onlineReached', 'onlineCompleted', 'modules', 'offlineReached']) {
          z[`${f}${BAND_KEY[b]}`] = 0;
        }
      }
      out.set(s.schoolId, z);
    }
    const minCase = `CASE band ${GRADE_BANDS.map((b) => `WHEN '${b}' THEN ${minModulesOf(c, b)}`).join(' ')} ELSE 1 END`;
    const scope = all ? '' : 'AND school_id IN (:...ids)';
    const ids = stats.map((s) => s.schoolId);
    const chunks = all
      ? [[]]
      : Array.from({ length: Math.ceil(ids.length / CHUNK) }, (_, i) =>
          ids.slice(i * CHUNK, (i + 1) * CHUNK),
        );
    for (const chunk of chunks) {
      const params = { c: c.id, ids: chunk };
      // Grouped in the order of idx_coverage_delivery_learner, so PostgreSQL streams both
      // levels (GroupAggregate over an index-only scan) instead of hashing every learner.
      const learners = await query<{
        school_id: string;
        band: string;
        reached: string;
        completed: string;
        completions: string;
      }>(
        manager,
        `SELECT school_id, band, COUNT(*) AS reached, SUM(CASE WHEN n >= ${minCase} THEN 1 ELSE 0 END) AS completed, SUM(n) AS completions
           FROM (SELECT school_id, band, learner_hash, COUNT(*) AS n FROM coverage_delivery
                  WHERE campaign_id = :c ${scope} GROUP BY school_id, band, learner_hash) x
          GROUP BY school_id, band
          ORDER BY school_id, band`,
        params,
      );
      for (const r of learners) {
        const z = out.get(r.school_id);
        const k = BAND_KEY[r.band as GradeBand];
        if (z && k) {
          z[`onlineReached${k}`] = Number(r.reached);
          z[`onlineCompleted${k}`] = Number(r.completed);
          z.completions = Number(z.completions) + Number(r.completions);
        }
      }
      const modules = await query<{ school_id: string; band: string; n: string }>(
        manager,
        `SELECT school_id, band, COUNT(*) AS n FROM coverage_school_module WHERE campaign_id = :c ${scope} GROUP BY school_id, band`,
        params,
      );
      for (const r of modules) {
        const z = out.get(r.school_id);
        const k = BAND_KEY[r.band as GradeBand];
        if (z && k) {
          z[`modules${k}`] = Number(r.n);
        }
      }
      const offline = await query<{ school_id: string; band: string; p: string; n: string }>(
        manager,
        `SELECT school_id, band, MAX(participants) AS p, COUNT(*) AS n FROM coverage_offline_session
          WHERE held_on >= :from AND held_on <= :to ${scope} GROUP BY school_id, band`,
        { ...params, from: c.periodStart, to: c.periodEnd },
      );
      for (const r of offline) {
        const z = out.get(r.school_id);
        const k = BAND_KEY[r.band as GradeBand];
        if (z && k) {
          z[`offlineReached${k}`] = Number(r.p);
          z.offlineSessions = Number(z.offlineSessions) + Number(r.n);
        }
      }
      const reports = await query<{
        org_node_id: string;
        status: string;
        on_time: boolean | number;
      }>(
        manager,
        `SELECT org_node_id, status, on_time FROM coverage_report WHERE campaign_id = :c AND kind = 'unit' ${all ? '' : 'AND org_node_id IN (:...ids)'}`,
        params,
      );
      for (const r of reports) {
        const z = out.get(r.org_node_id);
        if (z) {
          z.reportStatus = r.status === 'pending' ? 'none' : r.status;
          z.reportOnTime = Boolean(r.on_time);
        }
      }
    }
    return out;
  }

  /**
   * Recomputes a campaign's stats and rollups. `fromRaw`: counters from raw records (the rebuild
   * command); otherwise from the stored counters (the hourly refresh: time-based statuses,
   * units that moved, opened or closed). Only rows that differ are written.
   */
  async rebuild(
    campaignId: string,
    options: { fromRaw: boolean; now?: Date } = { fromRaw: true },
  ): Promise<RebuildResult> {
    const started = Date.now();
    if (isPostgres() && options.fromRaw) {
      // The per-learner count reads idx_coverage_delivery_learner alone (an index-only scan in
      // group order, no hash of 18M learners spilling to disk) when the visibility map is
      // current; autovacuum lags behind bulk inserts, so bring it up to date first (cheap: it
      // skips pages already all-visible). VACUUM cannot run inside the transaction below.
      await this.dataSource.query('VACUUM (ANALYZE) coverage_delivery');
    }
    return this.dataSource.transaction(async (manager) => {
      const c = await this.campaigns.get(campaignId, manager);
      await this.lockCampaign(manager, c.id, true);
      if (isPostgres() && options.fromRaw) {
        // Room for the distinct-module hash (school × band × module) without spilling.
        await manager.query(`SET LOCAL work_mem = '256MB'`);
      }
      const now = options.now ?? new Date();
      const statRepo = manager.getRepository(SchoolStatEntity);
      const stored = await statRepo.find({ where: { campaignId: c.id } });
      const byUnit = new Map(stored.map((s) => [s.schoolId, s]));
      let unitsChanged = 0;
      // Active campaigns follow today's tree; closed ones keep the tree of their time.
      if (c.status === 'active') {
        const nodes = await manager
          .getRepository(OrgNodeEntity)
          .find({ where: { path: Like(`${c.scopePath}%`) } });
        const expected = nodes.filter((n) => this.campaigns.expects(c, n));
        const keep = new Set(expected.map((n) => n.id));
        const gone = stored.filter((s) => !keep.has(s.schoolId));
        for (let i = 0; i < gone.length; i += CHUNK) {
          await statRepo.delete({ id: In(gone.slice(i, i + CHUNK).map((s) => s.id)) });
        }
        unitsChanged += gone.length;
        for (const g of gone) {
          byUnit.delete(g.schoolId);
        }
        const fresh: SchoolStatEntity[] = [];
        for (const n of expected) {
          const s = byUnit.get(n.id);
          if (!s) {
            const created = this.newStat(c, n);
            fresh.push(created);
            byUnit.set(n.id, created);
          } else if (s.orgPath !== n.path) {
            const ids = n.path.split('/').filter(Boolean);
            s.orgPath = n.path;
            s.parentId = ids.length > 1 ? ids[ids.length - 2] : null;
            (s as unknown as { moved: boolean }).moved = true;
          }
        }
        await this.loadEnrolment(manager, fresh);
        for (let i = 0; i < fresh.length; i += CHUNK) {
          await manager
            .createQueryBuilder()
            .insert()
            .into(SchoolStatEntity)
            .values(fresh.slice(i, i + CHUNK))
            .execute();
        }
        unitsChanged += fresh.length;
      }
      const stats = [...byUnit.values()];
      const before = new Map(stats.map((s) => [s.schoolId, JSON.stringify(snapshotOf(s))]));
      if (options.fromRaw) {
        await this.rebuildModules(manager, c);
        const raw = await this.countersFromRaw(manager, c, stats, true);
        for (const s of stats) {
          Object.assign(s, raw.get(s.schoolId));
        }
        await this.loadEnrolment(manager, stats);
      }
      const totals = new Map<string, Contribution>();
      for (const s of stats) {
        const d = deriveUnit(s, c, now);
        Object.assign(s, d.fields, { status: d.status, progress: d.progress });
        const changed =
          before.get(s.schoolId) !== JSON.stringify(snapshotOf(s)) ||
          (s as unknown as { moved?: boolean }).moved;
        if (changed) {
          unitsChanged++;
          const { id, ...rest } = s;
          delete (rest as { moved?: boolean }).moved;
          await statRepo.update({ id }, rest);
        }
        for (const id of ancestorsInScope(s.orgPath, c.scopeNodeId)) {
          const t = totals.get(id) ?? zeroContribution();
          addInto(t, contributionOf(s));
          totals.set(id, t);
        }
      }
      const rollRepo = manager.getRepository(RollupEntity);
      const rollups = await rollRepo.find({ where: { campaignId: c.id } });
      const seen = new Set<string>();
      let nodesChanged = 0;
      for (const r of rollups) {
        seen.add(r.nodeId);
        const t = totals.get(r.nodeId) ?? zeroContribution();
        const differs = CONTRIBUTION_FIELDS.filter(
          (f) => Number((r as unknown as Record<string, number>)[f]) !== (t[f] ?? 0),
        );
        if (differs.length > 0) {
          this.logger.debug?.({ msg: 'rollup differs', nodeId: r.nodeId, fields: differs });
          nodesChanged++;
          await rollRepo.update({ id: r.id }, t);
        }
      }
      const missing = [...totals.keys()].filter((id) => !seen.has(id));
      if (missing.length) {
        await this.ensureRollupRows(manager, c, missing);
        for (const id of missing) {
          nodesChanged++;
          await rollRepo.update({ campaignId: c.id, nodeId: id }, totals.get(id)!);
        }
      }
      const result = {
        campaignId: c.id,
        units: stats.length,
        nodes: rollups.length + missing.length,
        unitsChanged,
        nodesChanged,
        ms: Date.now() - started,
      };
      this.logger.log({
        msg: options.fromRaw ? 'coverage rebuilt' : 'coverage refreshed',
        ...result,
      });
      return result;
    });
  }

  /** The distinct-module helper table, recomputed from deliveries and offline sessions. */
  private async rebuildModules(manager: EntityManager, c: CampaignEntity): Promise<void> {
    await manager.getRepository(SchoolModuleEntity).delete({ campaignId: c.id });
    const idExpr = isPostgres()
      ? 'gen_random_uuid()'
      : `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
    await query(
      manager,
      `INSERT INTO coverage_school_module (id, campaign_id, school_id, band, module_key)
       SELECT ${idExpr}, campaign_id, school_id, band, module_id FROM
         (SELECT DISTINCT campaign_id, school_id, band, module_id FROM coverage_delivery WHERE campaign_id = :c) d`,
      { c: c.id },
    );
    const sessions = await manager
      .getRepository(OfflineSessionEntity)
      .createQueryBuilder('o')
      .where('o.held_on >= :from AND o.held_on <= :to', { from: c.periodStart, to: c.periodEnd })
      .getMany();
    const stats = await manager
      .getRepository(SchoolStatEntity)
      .find({ where: { campaignId: c.id }, select: ['schoolId'] });
    const units = new Set(stats.map((s) => s.schoolId));
    const rows = sessions
      .filter((o) => units.has(o.schoolId))
      .map((o) => ({
        id: randomUUID(),
        campaignId: c.id,
        schoolId: o.schoolId,
        band: o.band,
        moduleKey: moduleKeyOf(o),
      }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(SchoolModuleEntity)
        .values(rows.slice(i, i + CHUNK))
        .orIgnore()
        .execute();
    }
  }

  /** Rebuilds every campaign (or the active ones); the CLI and the bench call it. */
  async rebuildAll(fromRaw = true, onlyActive = false): Promise<RebuildResult[]> {
    const all = onlyActive
      ? await this.campaigns.active()
      : await this.dataSource.getRepository(CampaignEntity).find();
    const out: RebuildResult[] = [];
    for (const c of all) {
      out.push(await this.rebuild(c.id, { fromRaw }));
    }
    return out;
  }

  today(): string {
    return vnToday();
  }
}

export function moduleKeyOf(o: Pick<OfflineSessionEntity, 'moduleId' | 'topic'>): string {
  return o.moduleId ? o.moduleId : `topic:${(o.topic ?? '').trim().toLowerCase().slice(0, 200)}`;
}

export function effectiveEnrolment(rows: EnrolmentEntity[], band: GradeBand): number {
  const declared = rows.find((r) => r.source === 'declared' && r.band === band);
  if (declared) {
    return declared.learners;
  }
  return rows
    .filter((r) => r.source === 'roster' && r.band === band)
    .reduce((s, r) => s + r.learners, 0);
}

function snapshotOf(s: SchoolStatEntity): Record<string, unknown> {
  const out: Record<string, unknown> = {
    status: s.status,
    progress: Math.round(Number(s.progress) * 1000),
    orgPath: s.orgPath,
    reportStatus: s.reportStatus,
    reportOnTime: Boolean(s.reportOnTime),
  };
  for (const b of GRADE_BANDS) {
    for (const f of [
      'enrolled',
      'onlineReached',
      'onlineCompleted',
      'modules',
      'offlineReached',
      'reached',
      'completed',
    ]) {
      out[`${f}${BAND_KEY[b]}`] = Number(
        (s as unknown as Record<string, number>)[`${f}${BAND_KEY[b]}`],
      );
    }
  }
  out.completions = Number(s.completions);
  out.offlineSessions = Number(s.offlineSessions);
  return out;
}

/** Runs SQL with :named parameters (and :...list) on either dialect. */
export async function query<T>(
  manager: EntityManager,
  sql: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const [text, values] = manager.connection.driver.escapeQueryWithParameters(sql, params, {});
  return manager.query(text, values);
}

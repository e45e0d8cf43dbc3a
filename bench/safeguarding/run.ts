/*
 * The safeguarding lead's queue page at scale, side by side with the way it used to be built.
 *
 *   node -r @swc-node/register bench/safeguarding/run.ts [--db sqlite|postgres] [--reports 20000]
 *
 * Builds (in a fresh database) one province (20 communes × 10 schools) with N concern reports (default 20,000, all
 * encrypted like real ones): every report still open, half escalated to their commune, a tenth
 * of those on to the province. Then times, for a school lead, a commune lead and the province
 * lead, the first page (50 rows) of the queue:
 *   - SafeNest: `ConcernReportsService.queueFor` — scope, order and page in one SQL query;
 *   - reference: the previous implementation (kept below): every matching row loaded, the
 *     subtree's school ids passed as a list, sorted in memory, then the page cut.
 * Prints p50/p95 of each and the ratio; both run in this one process, interleaved.
 */
import 'reflect-metadata';
import { ADMIN_URL, BENCH_URL, DB, ON_POSTGRES } from './bench-env';
import {
  AppLogger,
  CoreModule,
  FieldEncryptionService,
  loadConfig,
  Principal,
  Role,
} from '@lib/core';
import { OrgNodeEntity, OrgsModule, OrgsService, OrgType } from '@lib/orgs';
import {
  ConcernCategory,
  ConcernReportEntity,
  ConcernReportsService,
  ConcernState,
  ConcernSummary,
  SafeguardingModule,
} from '@lib/safeguarding';
import { SCHEMA } from '@lib/schema';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N_REPORTS = arg('reports', 20_000);
const RUNS = arg('runs', 40);
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

@Module({
  imports: [
    CoreModule.forRoot({
      schema: SCHEMA,
      queueRole: 'producer',
      http: false,
      config: loadConfig({ ...process.env, DATABASE_URL: BENCH_URL }),
    }),
    OrgsModule,
    SafeguardingModule,
  ],
})
class BenchModule {}

async function ensureDatabase(): Promise<void> {
  if (!ON_POSTGRES) {
    return;
  }
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  // A fresh database each run, so every run measures the same data.
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

/** The queue as it was built before paging (commit 31f9275), to compare against. */
async function referenceQueue(
  ds: DataSource,
  orgs: OrgsService,
  principal: Principal,
): Promise<ConcernSummary[]> {
  const SCHOOL_TYPES = [OrgType.SCHOOL, OrgType.FACILITY];
  const repo = ds.getRepository(ConcernReportEntity);
  const found = new Map<string, ConcernReportEntity>();
  for (const b of principal.bindings.filter((x) => x.role === Role.SAFEGUARDING_LEAD)) {
    const node = await orgs.getById(b.orgNodeId);
    const qb = repo.createQueryBuilder('r');
    if (SCHOOL_TYPES.includes(node.type)) {
      qb.where('r.school_org_node_id = :id', { id: node.id });
    } else {
      const schools = (await orgs.subtree(node.id, undefined, true))
        .filter((n) => SCHOOL_TYPES.includes(n.type))
        .map((n) => n.id);
      const aboveOrAt = node.path.split('/').filter(Boolean);
      qb.where('r.school_org_node_id IN (:...schools)', { schools }).andWhere(
        'r.escalated_to_org_node_id IN (:...aboveOrAt)',
        { aboveOrAt },
      );
    }
    qb.andWhere('r.state <> :closed', { closed: ConcernState.CLOSED });
    for (const row of await qb.getMany()) {
      found.set(row.id, row);
    }
  }
  const rows = [...found.values()];
  const nodes = await orgs.getMany([...new Set(rows.map((r) => r.schoolOrgNodeId))]);
  const names = new Map(nodes.map((n) => [n.id, n.name]));
  const now = Date.now();
  const rank = (r: ConcernReportEntity): number[] => [
    r.imminentDanger && r.state === ConcernState.NEW ? 0 : 1,
    r.state === ConcernState.NEW ? 0 : 1,
    r.dueAt.getTime(),
  ];
  return rows
    .sort((a, b) => {
      const x = rank(a);
      const y = rank(b);
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    })
    .slice(0, 50)
    .map((r) => ({
      id: r.id,
      schoolOrgNodeId: r.schoolOrgNodeId,
      schoolName: names.get(r.schoolOrgNodeId) ?? '',
      source: r.source,
      category: r.category,
      imminentDanger: r.imminentDanger,
      state: r.state,
      referredTo: r.referredTo,
      receivedAt: r.receivedAt,
      dueAt: r.dueAt,
      overdue: r.state === ConcernState.NEW && r.dueAt.getTime() < now,
      escalationLevel: r.escalationLevel,
      escalatedToOrgNodeId: r.escalatedToOrgNodeId,
      erased: Boolean(r.erasedAt),
    }));
}

async function seed(
  ds: DataSource,
  orgs: OrgsService,
  crypto: FieldEncryptionService,
): Promise<{ province: OrgNodeEntity; commune: OrgNodeEntity; school: OrgNodeEntity }> {
  const s = randomUUID().slice(0, 6);
  const ministry = await orgs.create({
    code: `SGB-M-${s}`,
    name: 'Bộ GD&ĐT',
    type: OrgType.MINISTRY,
  });
  const province = await orgs.create({
    code: `SGB-P-${s}`,
    name: 'Tỉnh bench',
    type: OrgType.PROVINCE,
    parentCode: ministry.code,
  });
  const communes: OrgNodeEntity[] = [];
  const schools: { school: OrgNodeEntity; commune: OrgNodeEntity }[] = [];
  for (let c = 0; c < 20; c++) {
    const commune = await orgs.create({
      code: `SGB-C${c}-${s}`,
      name: `Xã ${c}`,
      type: OrgType.COMMUNE,
      parentCode: province.code,
    });
    communes.push(commune);
    for (let k = 0; k < 10; k++) {
      const school = await orgs.create({
        code: `SGB-S${c}-${k}-${s}`,
        name: `Trường ${c}-${k}`,
        type: OrgType.SCHOOL,
        parentCode: commune.code,
      });
      schools.push({ school, commune });
    }
  }
  const repo = ds.getRepository(ConcernReportEntity);
  const now = Date.now();
  const batch: Partial<ConcernReportEntity>[] = [];
  const categories = Object.values(ConcernCategory);
  for (let i = 0; i < N_REPORTS; i++) {
    const { school, commune } = schools[i % schools.length];
    const id = randomUUID();
    const escalated = i % 2 === 0;
    const toProvince = escalated && i % 20 === 0;
    const received = new Date(now - (i % 5000) * 60_000);
    const state = [ConcernState.NEW, ConcernState.ACKNOWLEDGED, ConcernState.IN_PROGRESS][i % 3];
    batch.push({
      id,
      schoolOrgNodeId: school.id,
      source: 'web' as never,
      category: categories[i % categories.length],
      imminentDanger: i % 97 === 0,
      state,
      referredTo: null,
      ageBand: null,
      lang: 'vi',
      contactMethod: 'none' as never,
      detailsEncrypted: crypto.encryptJson({ description: `Báo cáo số ${i}`, reference: '' }, id),
      contactEncrypted: null,
      outcomeEncrypted: null,
      referenceIndex: null,
      idempotencyIndex: null,
      requestIndex: null,
      intakeKeyId: null,
      receivedAt: received,
      slaDueAt: new Date(received.getTime() + 86_400_000),
      dueAt: new Date(received.getTime() + 86_400_000),
      escalationLevel: toProvince ? 2 : escalated ? 1 : 0,
      escalatedToOrgNodeId: toProvince ? province.id : escalated ? commune.id : null,
      escalatedAt: escalated ? received : null,
      escalationExhausted: false,
      acknowledgedAt: state === ConcernState.NEW ? null : received,
      referredAt: null,
      closedAt: null,
      outcomeNotifiedAt: null,
      erasedAt: null,
    });
    if (batch.length === 500) {
      await repo.insert(batch.splice(0));
    }
  }
  if (batch.length) {
    await repo.insert(batch);
  }
  // Planner statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would have.
  await ds.query(ON_POSTGRES ? 'ANALYZE concern_report, org_node' : 'ANALYZE');
  return { province, commune: communes[0], school: schools[0].school };
}

async function main(): Promise<void> {
  await ensureDatabase();
  const app = await NestFactory.createApplicationContext(BenchModule, {
    logger: new AppLogger((process.env.BENCH_LOG_LEVEL as 'warn') ?? 'error', 'bench'),
  });
  const ds = app.get(DataSource);
  const orgs = app.get(OrgsService);
  const reports = app.get(ConcernReportsService);
  const t0 = performance.now();
  const { province, commune, school } = await seed(ds, orgs, app.get(FieldEncryptionService));
  log(
    `${ON_POSTGRES ? 'PostgreSQL' : 'SQLite'}: seeded 200 schools and ${N_REPORTS} open reports in ${Math.round(performance.now() - t0)} ms`,
  );
  const lead = (node: OrgNodeEntity): Principal =>
    ({
      accountId: randomUUID(),
      bindings: [{ role: Role.SAFEGUARDING_LEAD, orgNodeId: node.id, orgPath: node.path }],
    }) as unknown as Principal;

  log('');
  log(
    '| lead | reports in scope | SafeNest page 1 p50 / p95 | reference p50 / p95 | ratio (p50) | same first page |',
  );
  log('|---|---|---|---|---|---|');
  for (const [label, node] of [
    ['school', school],
    ['commune', commune],
    ['province', province],
  ] as const) {
    const principal = lead(node);
    const ours = await reports.queueFor(principal, { limit: 50 });
    const ref = await referenceQueue(ds, orgs, principal);
    // Same order up to ties: urgent-new first, then new, then by deadline.
    const key = (r: { imminentDanger: boolean; state: string; dueAt: Date }) =>
      `${r.imminentDanger && r.state === 'new' ? 0 : 1}${r.state === 'new' ? 0 : 1}${r.dueAt.getTime()}`;
    const same =
      ours.items.length === ref.length && ours.items.every((r, i) => key(r) === key(ref[i]));
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so the machine's noise hits both alike.
      let t = performance.now();
      await reports.queueFor(principal, { limit: 50 });
      a.push(performance.now() - t);
      t = performance.now();
      await referenceQueue(ds, orgs, principal);
      b.push(performance.now() - t);
    }
    const f = (v: number) => v.toFixed(1);
    log(
      `| ${label} | ${ours.total} | ${f(quantile(a, 0.5))} / ${f(quantile(a, 0.95))} ms | ${f(quantile(b, 0.5))} / ${f(quantile(b, 0.95))} ms | ${(quantile(b, 0.5) / quantile(a, 0.5)).toFixed(1)}× | ${same ? 'yes' : 'NO'} |`,
    );
  }
  await app.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

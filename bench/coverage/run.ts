/*
 * Coverage at national scale, on PostgreSQL only:
 *   node -r @swc-node/register bench/coverage/run.ts
 * Seeds (once; re-runs skip what exists) 30,000 schools through the real importer, ~18 million
 * pupils as declared enrolment counts, and ~50 million completion records generated in SQL;
 * then prints the rollup query p95 (national, province), the time of a full rebuild from raw
 * records, the import time, and the same national figures computed naively over raw records.
 * BENCH_SCALE=0.01 runs the same at 1% for a quick check (its own database).
 */
import 'reflect-metadata';
import { ADMIN_URL, BENCH_URL, DB, SCALE } from './bench-env';
import { CampaignEntity, CampaignsService, GRADE_BANDS } from '@lib/campaigns';
import { AppLogger, CoreModule, loadConfig, Principal, Role } from '@lib/core';
import { CoverageModule, CoverageViewService, RollupEntity, StatsService } from '@lib/coverage';
import { OrgImportService, OrgsModule, OrgsService, OrgType } from '@lib/orgs';
import { SCHEMA } from '@lib/schema';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

const URL_ = BENCH_URL;
const N_PROVINCES = 34;
const N_SCHOOLS = Math.round(30_000 * SCALE);
const N_COMMUNES = Math.max(N_PROVINCES, Math.round(3_321 * SCALE));
const MODULES = 3;
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const ms = (t0: number): number => Math.round(performance.now() - t0);

/** School kinds and pupils per band, sized to Vietnam (8.8M primary, 6.5M lower-, 2.9M upper-secondary). */
function schoolKind(i: number): {
  levels: string;
  bands: Record<string, number>;
  underProvince: boolean;
} {
  const r = i % 100;
  const jitter = 0.8 + ((i * 7919) % 41) / 100; // 0.8–1.2
  if (r < 47) {
    return {
      levels: 'primary',
      bands: { 'early-primary': 194 * jitter, 'upper-primary': 292 * jitter },
      underProvince: false,
    };
  }
  if (r < 78) {
    return {
      levels: 'lower_secondary',
      bands: { 'lower-secondary': 478 * jitter },
      underProvince: false,
    };
  }
  if (r < 92) {
    return {
      levels: 'primary;lower_secondary',
      bands: {
        'early-primary': 194 * jitter,
        'upper-primary': 292 * jitter,
        'lower-secondary': 478 * jitter,
      },
      underProvince: false,
    };
  }
  return {
    levels: 'upper_secondary',
    bands: { 'upper-secondary': 1_208 * jitter },
    underProvince: true,
  };
}

@Module({
  imports: [
    CoreModule.forRoot({
      schema: SCHEMA,
      queueRole: 'producer',
      http: false,
      config: loadConfig({ ...process.env, DATABASE_URL: URL_ }),
    }),
    OrgsModule,
    CoverageModule,
  ],
})
class BenchModule {}

async function ensureDatabase(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB]);
  if (exists.rowCount === 0) {
    await admin.query(`CREATE DATABASE ${DB}`);
    log(`created database ${DB}`);
  }
  await admin.end();
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

async function timeIt(
  runs: number,
  fn: () => Promise<unknown>,
): Promise<{ p50: number; p95: number }> {
  await fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return {
    p50: Math.round(quantile(t, 0.5) * 10) / 10,
    p95: Math.round(quantile(t, 0.95) * 10) / 10,
  };
}

async function main(): Promise<void> {
  await ensureDatabase();
  const started = performance.now();
  const app = await NestFactory.createApplicationContext(BenchModule, {
    logger: new AppLogger((process.env.BENCH_LOG_LEVEL as 'warn') ?? 'error', 'bench'),
  });
  log(`started (migrations included) in ${ms(started)} ms`);
  const ds = app.get(DataSource);
  const orgs = app.get(OrgsService);
  const results: [string, string][] = [];
  log(`database ${DB}: ${N_SCHOOLS} schools, ${N_COMMUNES} communes, ${N_PROVINCES} provinces`);

  // 1. Org tree through the real importer (validate all rows, then apply in one transaction).
  const ministry = await orgs.ensure({
    code: 'BENCH-MOET',
    name: 'Bộ Giáo dục và Đào tạo',
    type: OrgType.MINISTRY,
    validFrom: '2025-07-01',
  });
  const schools = Number(
    (await ds.query(`SELECT COUNT(*) AS n FROM org_node WHERE type = 'school'`))[0].n,
  );
  if (schools < N_SCHOOLS) {
    const lines = ['code,name,type,parent_code,levels,effective_from'];
    for (let p = 0; p < N_PROVINCES; p++) {
      lines.push(`BP${p},Tỉnh số ${p + 1},province,BENCH-MOET,,2025-07-01`);
    }
    for (let c = 0; c < N_COMMUNES; c++) {
      lines.push(`BC${c},Xã/Phường số ${c + 1},commune,BP${c % N_PROVINCES},,2025-07-01`);
    }
    for (let s = 0; s < N_SCHOOLS; s++) {
      const k = schoolKind(s);
      const parent = k.underProvince ? `BP${s % N_PROVINCES}` : `BC${s % N_COMMUNES}`;
      lines.push(`BS${s},"Trường số ${s + 1}",school,${parent},${k.levels},2025-07-01`);
    }
    const csv = Buffer.from(lines.join('\n'), 'utf8');
    const importer = app.get(OrgImportService);
    const row = await importer.start({
      rootNodeId: ministry.id,
      fileName: 'bench.csv',
      content: csv,
      dryRun: false,
    });
    const t0 = performance.now();
    const done = await importer.run(row.id);
    const took = ms(t0);
    if (done.status !== 'done') {
      throw new Error(`import ${done.status}: ${JSON.stringify(done.errors.slice(0, 5))}`);
    }
    log(`imported ${lines.length - 1} rows (${(csv.length / 1e6).toFixed(1)} MB) in ${took} ms`);
    results.push([
      `import ${N_SCHOOLS.toLocaleString('en')}-school CSV (${lines.length - 1} rows, validate + apply)`,
      `${took} ms`,
    ]);
  } else {
    log(
      'org tree exists (import timing is printed on the first run; re-time with a fresh database)',
    );
  }

  // 2. A national campaign over the current school year, with its units and rollups.
  let campaign = await ds
    .getRepository(CampaignEntity)
    .findOne({ where: { scopeNodeId: ministry.id } });
  if (!campaign) {
    campaign = await ds.transaction(async (manager) => {
      const c = await app.get(CampaignsService).create(
        {
          name: 'Năm học 2026–2027',
          scopeNodeId: ministry.id,
          periodKind: 'school_year',
          periodStart: '2026-09-05',
          periodEnd: '2027-05-31',
          orgTypes: [OrgType.SCHOOL, OrgType.FACILITY],
          requirements: GRADE_BANDS.map((band) => ({ band, minModules: 2, minShare: 0.8 })),
          dueDays: 15,
          lockDays: 30,
          reminderDays: [14, 7, 1],
        },
        null,
        manager,
      );
      await app.get(StatsService).initCampaign(manager, c);
      return c;
    });
    log(`campaign ${campaign.id} created`);
  }
  const cid = campaign.id;

  // 3. Enrolment: declared counts per school and band (no pupil rows).
  const enrolled = Number(
    (await ds.query(`SELECT COALESCE(SUM(learners), 0) AS n FROM coverage_enrolment`))[0].n,
  );
  if (enrolled === 0) {
    const t0 = performance.now();
    const rows: string[] = [];
    const codes = await ds.query(`SELECT id, code FROM org_node WHERE type = 'school'`);
    for (const { id, code } of codes as { id: string; code: string }[]) {
      const k = schoolKind(Number(code.slice(2)));
      for (const [band, n] of Object.entries(k.bands)) {
        rows.push(`('${randomUUID()}','${id}','declared','','${band}',${Math.round(n)})`);
      }
    }
    for (let i = 0; i < rows.length; i += 5000) {
      await ds.query(
        `INSERT INTO coverage_enrolment (id, school_id, source, context_id, band, learners) VALUES ${rows.slice(i, i + 5000).join(',')}`,
      );
    }
    log(`enrolment declared for ${codes.length} schools in ${ms(t0)} ms`);
  }
  const pupils = Number((await ds.query(`SELECT SUM(learners) AS n FROM coverage_enrolment`))[0].n);
  log(`pupils (enrolment counts): ${pupils.toLocaleString('en')}`);

  // 4. Completions, generated in SQL per batch of schools; a batch commits with its marker, so a
  //    stopped run resumes where it was. Indexes are dropped for the load and rebuilt after it.
  await ds.query(
    `CREATE TABLE IF NOT EXISTS bench_coverage_batch (batch integer PRIMARY KEY, rows bigint NOT NULL)`,
  );
  const enrolIds: { school_id: string }[] = await ds.query(
    `SELECT DISTINCT school_id FROM coverage_enrolment ORDER BY school_id`,
  );
  const BATCH = 500;
  const batches = Math.ceil(enrolIds.length / BATCH);
  const doneBatches = new Set(
    (await ds.query<{ batch: number }[]>(`SELECT batch FROM bench_coverage_batch`)).map(
      (r) => r.batch,
    ),
  );
  // The primary key (random uuids) is dropped for the load too and re-added in one sorted build.
  await ds.query(
    `CREATE TABLE IF NOT EXISTS bench_coverage_meta (key text PRIMARY KEY, value text NOT NULL)`,
  );
  if (doneBatches.size < batches) {
    await ds.query(`DROP INDEX IF EXISTS uq_coverage_delivery`);
    await ds.query(`DROP INDEX IF EXISTS idx_coverage_delivery_learner`);
    const pk: { conname: string }[] = await ds.query(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'coverage_delivery'::regclass AND contype = 'p'`,
    );
    if (pk.length) {
      await ds.query(
        `INSERT INTO bench_coverage_meta (key, value) VALUES ('pk', $1) ON CONFLICT (key) DO NOTHING`,
        [pk[0].conname],
      );
      await ds.query(`ALTER TABLE coverage_delivery DROP CONSTRAINT "${pk[0].conname}"`);
    }
    const t0 = performance.now();
    let total = 0;
    for (let b = 0; b < batches; b++) {
      if (doneBatches.has(b)) {
        continue;
      }
      const ids = enrolIds.slice(b * BATCH, (b + 1) * BATCH).map((r) => r.school_id);
      const inserted = await ds.transaction(async (m) => {
        await m.query(`SET LOCAL synchronous_commit = off`);
        // Each pupil i of a band takes up to 3 modules of that band; about 8% skip one.
        const res = await m.query(
          `WITH ins AS (INSERT INTO coverage_delivery (id, campaign_id, school_id, band, grade, module_id, learner_hash, completed_at, score_percent)
           SELECT gen_random_uuid(), $1, e.school_id, e.band, NULL,
                  left(e.band, 1) || split_part(e.band, '-', 2) || '-m' || mod.n,
                  md5(e.school_id::text || e.band || i::text),
                  timestamptz '2026-09-08 08:00+07' + ((i * 7 + mod.n * 13) % 200) * interval '1 day',
                  50 + (i % 51)
             FROM coverage_enrolment e
             CROSS JOIN LATERAL generate_series(0, e.learners - 1) AS i
             CROSS JOIN generate_series(1, ${MODULES}) AS mod(n)
            WHERE e.school_id = ANY($2::uuid[]) AND ((i * 31 + mod.n * 17 + length(e.band)) % 100) >= 8
           RETURNING 1) SELECT COUNT(*) AS n FROM ins`,
          [cid, ids],
        );
        const n = Number((res as { n: string }[])[0].n);
        await m.query(`INSERT INTO bench_coverage_batch (batch, rows) VALUES ($1, $2)`, [b, n]);
        return n;
      });
      total += inserted;
      const elapsed = performance.now() - t0;
      log(
        `  completions batch ${b + 1}/${batches}: +${inserted.toLocaleString('en')} rows (${Math.round(elapsed / 1000)} s)`,
      );
    }
    log(
      `generated ${total.toLocaleString('en')} completion rows in ${Math.round(ms(t0) / 1000)} s`,
    );
  }
  // The same definitions as the coverage migrations.
  const indexes: [string, string][] = [
    [
      'uq_coverage_delivery',
      `CREATE UNIQUE INDEX uq_coverage_delivery ON coverage_delivery (campaign_id, learner_hash, module_id)`,
    ],
    [
      'idx_coverage_delivery_learner',
      `CREATE INDEX idx_coverage_delivery_learner ON coverage_delivery (campaign_id, school_id, band, learner_hash, module_id)`,
    ],
  ];
  for (const [name, ddl] of indexes) {
    const exists =
      (await ds.query(`SELECT 1 FROM pg_indexes WHERE indexname = $1`, [name])).length > 0;
    if (!exists) {
      const t0 = performance.now();
      await ds.query(`SET maintenance_work_mem = '1GB'`);
      await ds.query(ddl);
      await ds.query(`ANALYZE coverage_delivery`);
      log(`delivery index ${name} built in ${Math.round(ms(t0) / 1000)} s`);
    }
  }
  const pk: { value: string }[] = await ds.query(
    `SELECT value FROM bench_coverage_meta WHERE key = 'pk'`,
  );
  const hasPk =
    (
      await ds.query(
        `SELECT 1 FROM pg_constraint WHERE conrelid = 'coverage_delivery'::regclass AND contype = 'p'`,
      )
    ).length > 0;
  if (pk.length && !hasPk) {
    const t0 = performance.now();
    await ds.query(`SET maintenance_work_mem = '1GB'`);
    await ds.query(
      `ALTER TABLE coverage_delivery ADD CONSTRAINT "${pk[0].value}" PRIMARY KEY (id)`,
    );
    log(`primary key rebuilt in ${Math.round(ms(t0) / 1000)} s`);
  }
  const rawRows = Number(
    (await ds.query(`SELECT SUM(rows) AS n FROM bench_coverage_batch`))[0].n ?? 0,
  );
  log(`completion records: ${rawRows.toLocaleString('en')}`);

  // 5. Rebuild from raw records (the first one fills the stats; the second must find nothing to fix).
  const stats = app.get(StatsService);
  const firstRoll = await ds
    .getRepository(RollupEntity)
    .findOne({ where: { campaignId: cid, nodeId: ministry.id } });
  if (!firstRoll || firstRoll.completions === 0) {
    const t0 = performance.now();
    const r = await stats.rebuild(cid, { fromRaw: true });
    log(`initial rebuild: ${r.units} units, ${r.nodes} nodes in ${ms(t0)} ms`);
  }
  const t0 = performance.now();
  const rebuilt = await stats.rebuild(cid, { fromRaw: true });
  const rebuildMs = ms(t0);
  results.push([
    `rebuild all rollups from ${rawRows.toLocaleString('en')} raw records`,
    `${rebuildMs} ms (${rebuilt.units} units, ${rebuilt.nodes} nodes; differed: ${rebuilt.unitsChanged} units, ${rebuilt.nodesChanged} nodes)`,
  ]);

  // 5b. The rebuild's main pass (distinct learners per school and band) planned both ways, side
  //     by side: over the covering index (what the rebuild now does), and as it was planned
  //     before that index (sequential scan, hash of every learner, spilling to disk).
  const learnerSql = `SELECT school_id, band, COUNT(*) AS reached, SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS completed, SUM(n) AS completions
       FROM (SELECT school_id, band, learner_hash, COUNT(*) AS n FROM coverage_delivery
              WHERE campaign_id = $1 GROUP BY school_id, band, learner_hash) x
      GROUP BY school_id, band ORDER BY school_id, band`;
  const learnerPass = (indexed: boolean): Promise<number> =>
    ds.transaction(async (m) => {
      await m.query(`SET LOCAL work_mem = '256MB'`);
      if (!indexed) {
        await m.query(`SET LOCAL enable_indexonlyscan = off`);
        await m.query(`SET LOCAL enable_indexscan = off`);
        await m.query(`SET LOCAL enable_bitmapscan = off`);
      }
      const t = performance.now();
      const rows: unknown[] = await m.query(learnerSql, [cid]);
      if (rows.length === 0) {
        throw new Error('no learners');
      }
      return ms(t);
    });
  const passIndexed = await learnerPass(true);
  const passHashed = await learnerPass(false);
  results.push([
    'rebuild main pass (learners per school and band): covering index vs seq scan + hash',
    `${passIndexed} ms vs ${passHashed} ms (${(passHashed / passIndexed).toFixed(1)}×)`,
  ]);

  // Planner statistics of the derived tables: autovacuum would refresh them; a bulk fill outruns it.
  await ds.query(`ANALYZE coverage_school_stat`);
  await ds.query(`ANALYZE coverage_rollup`);

  // 6. Rollup reads: the stored rollup rows, and the whole dashboard read (access, suppression, lists).
  const principal: Principal = {
    kind: 'account',
    accountId: randomUUID(),
    displayName: 'bench',
    bindings: [{ role: Role.SYSTEM_ADMIN, orgNodeId: ministry.id, orgPath: ministry.path }],
  };
  const province = (await orgs.children(ministry.id))[0];
  const rollRepo = ds.getRepository(RollupEntity);
  const nat = await timeIt(50, () =>
    Promise.all([
      rollRepo.findOne({ where: { campaignId: cid, nodeId: ministry.id } }),
      rollRepo.find({ where: { campaignId: cid, parentId: ministry.id } }),
    ]),
  );
  const prov = await timeIt(50, () =>
    Promise.all([
      rollRepo.findOne({ where: { campaignId: cid, nodeId: province.id } }),
      rollRepo.find({ where: { campaignId: cid, parentId: province.id } }),
    ]),
  );
  const views = app.get(CoverageViewService);
  const natView = await timeIt(30, () => views.view(principal, cid, ministry.id));
  const provView = await timeIt(30, () => views.view(principal, cid, province.id));
  results.push([
    'national rollup query (node + 34 provinces)',
    `p50 ${nat.p50} ms, p95 ${nat.p95} ms`,
  ]);
  results.push([
    'province rollup query (node + its communes)',
    `p50 ${prov.p50} ms, p95 ${prov.p95} ms`,
  ]);
  results.push([
    'national dashboard read (view(): access, rows, suppression, never-reported)',
    `p50 ${natView.p50} ms, p95 ${natView.p95} ms`,
  ]);
  results.push([
    'province dashboard read (view())',
    `p50 ${provView.p50} ms, p95 ${provView.p95} ms`,
  ]);

  // 7. The same national figures, naively, with GROUP BY over the raw records.
  const t1 = performance.now();
  const naive: { band: string; reached: string; completed: string; completions: string }[] =
    await ds.query(
      `SELECT band, COUNT(*) AS reached, SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS completed, SUM(n) AS completions
       FROM (SELECT band, learner_hash, COUNT(*) AS n FROM coverage_delivery WHERE campaign_id = $1 GROUP BY band, learner_hash) x
      GROUP BY band ORDER BY band`,
      [cid],
    );
  const naiveMs = ms(t1);
  const roll = (await rollRepo.findOne({ where: { campaignId: cid, nodeId: ministry.id } }))!;
  const key: Record<string, string> = {
    'early-primary': 'Ep',
    'upper-primary': 'Up',
    'lower-secondary': 'Ls',
    'upper-secondary': 'Us',
  };
  let agree = Number(roll.completions) === naive.reduce((s, r) => s + Number(r.completions), 0);
  for (const r of naive) {
    const k = key[r.band];
    const rr = roll as unknown as Record<string, number>;
    // Rollups cap at enrolment; the generated data never exceeds it, so the two must be equal.
    agree &&=
      Number(rr[`reached${k}`]) === Number(r.reached) &&
      Number(rr[`completed${k}`]) === Number(r.completed);
  }
  results.push([
    'national figures by naive GROUP BY over raw records',
    `${naiveMs} ms (agree with rollups: ${agree ? 'yes' : 'NO'})`,
  ]);

  log('\nCoverage benchmark (PostgreSQL)');
  log(
    `  schools ${N_SCHOOLS.toLocaleString('en')} · pupils ${pupils.toLocaleString('en')} · completion records ${rawRows.toLocaleString('en')}`,
  );
  for (const [what, value] of results) {
    log(`  ${what.padEnd(78)} ${value}`);
  }
  log(
    `\n  national: reached ${GRADE_BANDS.map((b) =>
      Number((roll as unknown as Record<string, number>)[`reached${key[b]}`]),
    )
      .reduce((a, b) => a + b, 0)
      .toLocaleString(
        'en',
      )} pupils, ${roll.met} of ${roll.expected} schools meeting the requirement`,
  );
  await app.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

/*
 * A 100,000-recipient school announcement on PostgreSQL + Bull into a local SMTP sink:
 *   node -r @swc-node/register bench/broadcast/run.ts
 * Prints the time to compose and enqueue, deliveries per second, the worker's peak memory and
 * duplicates, and — in the same run, into the same sink — the rate of plain pooled nodemailer
 * with no database (the ceiling on this machine), before and after the broadcast.
 * BENCH_RECIPIENTS (default 100000), BENCH_CEILING (messages for the ceiling, default 20000),
 * MESSAGING_SMTP_CONNECTIONS (default 8, also used for the ceiling's pool), WORKER_CONCURRENCY,
 * BENCH_WORKER=ts (run the worker's TypeScript through swc-node instead of building it first).
 */
import './bench-env';
import { ADMIN_URL, BENCH_URL, DB, PREFIX, RECIPIENTS, REDIS } from './bench-env';
import { FieldEncryptionService, JobEntity, loadConfig, QueueService } from '@lib/core';
import {
  BatchEntity,
  ComposeService,
  MailTemplatesService,
  MESSAGING_JOBS,
  ParentsService,
  RecipientEntity,
} from '@lib/messaging';
import { OrgsService, OrgType } from '@lib/orgs';
import { NestFactory } from '@nestjs/core';
import { ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { Client } from 'pg';
import { DataSource, In } from 'typeorm';
import { CliModule } from '../../apps/cli/src/cli.module';
import { seedBulkParents } from '../../test/support/messaging-fixtures';

const ROOT = path.join(__dirname, '../..');
const CEILING = Number(process.env.BENCH_CEILING ?? '20000');
const CONNECTIONS = Number(process.env.MESSAGING_SMTP_CONNECTIONS ?? '8');
const CONCURRENCY = process.env.WORKER_CONCURRENCY ?? '4';
const WORKER_MODE = process.env.BENCH_WORKER === 'ts' ? 'ts' : 'dist';
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface SinkStats {
  count: number;
  bytes: number;
  distinctIds: number;
  distinctRcpt: number;
  dupRcpt: number;
  firstAt: number;
  lastAt: number;
}

class Sink {
  private waiting?: (m: unknown) => void;
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<Sink> {
    const child = fork(path.join(__dirname, 'sink.ts'), [], {
      execArgv: ['-r', '@swc-node/register'],
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve) =>
      child.once('message', (m: { port: number }) => resolve(m.port)),
    );
    const sink = new Sink(child, port);
    child.on('message', (m) => sink.waiting?.(m));
    return sink;
  }

  private ask<T>(cmd: string): Promise<T> {
    return new Promise<T>((resolve) => {
      this.waiting = (m) => resolve(m as T);
      this.child.send({ cmd });
    });
  }

  stats(): Promise<SinkStats> {
    return this.ask<SinkStats>('stats');
  }

  async reset(): Promise<void> {
    await this.ask('reset');
  }
}

async function recreateDatabase(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
}

/** Plain pooled nodemailer, no database: how fast this machine can hand e-mails to the sink. */
interface Rate {
  perSecond: number;
  /** CPU ms per 1,000 e-mails: the sending process, and the sink. */
  cpu: number;
  sinkCpu: number;
}

async function ceiling(
  sink: Sink,
  mail: { subject: string; text: string; html: string },
  raw?: Buffer,
): Promise<Rate> {
  await sink.reset();
  const cpu0 = process.cpuUsage();
  const sink0 = cpuOf(sink.child.pid!);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Infinity,
  });
  const t0 = performance.now();
  const tag = randomUUID().slice(0, 8);
  await Promise.all(
    Array.from({ length: CEILING }, (_, i) =>
      raw
        ? // Stricter reference: one message built once, only the envelope changes (no MIME
          // work per e-mail at all): the SMTP transport alone.
          transport.sendMail({
            envelope: { from: 'no-reply@bench.test', to: `ceiling-${i}@bench.test` },
            raw,
          })
        : transport.sendMail({
            from: 'Trường Tân Lập <no-reply@bench.test>',
            to: `ceiling-${i}@bench.test`,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId: `<ceiling-${tag}-${i}@bench.test>`,
          }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const sinkUsed = cpuOf(sink.child.pid!) - sink0;
  transport.close();
  const s = await sink.stats();
  if (s.count !== CEILING) {
    throw new Error(`ceiling: sink got ${s.count} of ${CEILING}`);
  }
  return {
    perSecond: CEILING / seconds,
    cpu: (used.user + used.system) / 1000 / (CEILING / 1000),
    sinkCpu: (sinkUsed * 1000) / (CEILING / 1000),
  };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by the PostgreSQL backends serving the bench database. */
async function pgCpu(ds: DataSource): Promise<Map<number, number>> {
  const rows = await ds.query<{ pid: number }[]>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  return new Map(rows.map((r) => [r.pid, cpuOf(r.pid)]));
}

function rssOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number =>
      Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

async function main(): Promise<void> {
  log(
    `Broadcast bench: ${RECIPIENTS.toLocaleString('en')} recipients, PostgreSQL (${DB}) + Bull (${REDIS}), ${CONNECTIONS} SMTP connections, worker concurrency ${CONCURRENCY}`,
  );
  const sink = await Sink.start();
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
  await recreateDatabase();
  const config = loadConfig({ ...process.env, DATABASE_URL: BENCH_URL, SMTP_URL: smtpUrl });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: ['error'],
  });
  await app.init();
  const ds = app.get(DataSource);

  // The same e-mail the broadcast sends, for the ceiling (same subject, text and HTML).
  const sample = app.get(MailTemplatesService).render(
    'announcement',
    'vi',
    'Thông báo nghỉ học ngày thứ Sáu',
    {
      body: 'Kính gửi quý phụ huynh,\n\nNhà trường thông báo học sinh được nghỉ học ngày thứ Sáu để tổ chức hội thao.\n\nTrân trọng.',
      author: 'Ban giám hiệu',
    },
    {
      schoolName: 'Trường Tiểu học Tân Lập',
      urgent: false,
      inboxUrl: `${config.publicUrl}/parents/inbox`,
      settingsUrl: `${config.publicUrl}/parents/settings`,
    },
  );
  log(
    `ceiling (plain pooled nodemailer, ${CONNECTIONS} connections, ${CEILING.toLocaleString('en')} e-mails)…`,
  );
  const ceilingBefore = await ceiling(sink, sample);
  log(`  ${ceilingBefore.perSecond.toFixed(0)} e-mails/s`);
  const prebuilt = await new MailComposer({
    from: 'Trường Tân Lập <no-reply@bench.test>',
    to: 'ceiling@bench.test',
    subject: sample.subject,
    text: sample.text,
    html: sample.html,
    messageId: '<ceiling-raw@bench.test>',
  })
    .compile()
    .build();
  log('stricter reference (the same pool sending one pre-built message)…');
  const rawBefore = await ceiling(sink, sample, prebuilt);
  log(`  ${rawBefore.perSecond.toFixed(0)} e-mails/s`);

  const orgs = app.get(OrgsService);
  const s = randomUUID().slice(0, 6);
  const ministry = await orgs.create({
    code: `BM-${s}`,
    name: 'Bộ (bench)',
    type: OrgType.MINISTRY,
  });
  const province = await orgs.create({
    code: `BP-${s}`,
    name: 'Tỉnh (bench)',
    type: OrgType.PROVINCE,
    parentCode: ministry.code,
  });
  const commune = await orgs.create({
    code: `BC-${s}`,
    name: 'Xã (bench)',
    type: OrgType.COMMUNE,
    parentCode: province.code,
  });
  const school = await orgs.create({
    code: `BS-${s}`,
    name: 'Trường Tiểu học Tân Lập',
    type: OrgType.SCHOOL,
    parentCode: commune.code,
  });
  log(`seeding ${RECIPIENTS.toLocaleString('en')} consenting parents…`);
  const t = performance.now();
  await seedBulkParents(ds, app.get(ParentsService), app.get(FieldEncryptionService), {
    schoolId: school.id,
    count: RECIPIENTS,
    prefix: 'parent',
    domain: 'bench.test',
    chunk: 2000,
    langOf: (n) => (Math.floor(n / 2000) % 5 === 0 ? 'en' : 'vi'), // one chunk in five English
    textVersion: 'bench',
  });
  await ds.query('ANALYZE'); // what autovacuum does after a load; the broadcast itself is not helped
  log(`  ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // The worker as deployed (`npm run start:worker`: the webpack build), built from the current
  // sources; BENCH_WORKER=ts runs the sources through swc-node instead (more memory: compiler).
  const workerArgs =
    WORKER_MODE === 'ts'
      ? ['-r', '@swc-node/register', 'apps/worker/src/main.ts']
      : ['dist/apps/worker/main.js'];
  if (WORKER_MODE !== 'ts') {
    log('building the worker (nest build worker)…');
    const built = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'worker'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (built.status !== 0) {
      throw new Error('nest build worker failed');
    }
  }
  log(`starting one worker (${workerArgs.join(' ')})…`);
  const worker = spawn(process.execPath, workerArgs, {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: BENCH_URL,
      REDIS_URL: REDIS,
      QUEUE_PREFIX: PREFIX,
      SMTP_URL: smtpUrl,
      MESSAGING_SMTP_CONNECTIONS: String(CONNECTIONS),
      WORKER_CONCURRENCY: CONCURRENCY,
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const queue = app.get(QueueService);
  const ping = await queue.enqueue('core.ping', { note: 'bench' });
  for (;;) {
    const row = await ds.getRepository(JobEntity).findOneByOrFail({ id: ping });
    if (row.status === 'done') {
      break;
    }
    await sleep(200);
  }
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(worker.pid!).rss);
  }, 100);
  const rssIdle = rssOf(worker.pid!).rss;

  await sink.reset();
  const workerCpu0 = cpuOf(worker.pid!);
  const sinkCpu0 = cpuOf(sink.child.pid!);
  const pg0 = await pgCpu(ds);
  log('composing and sending…');
  const t0 = performance.now();
  const message = await app.get(ComposeService).compose({
    schoolOrgNodeId: school.id,
    kind: 'announcement',
    audience: { type: 'school' },
    subjectVi: sample.subject,
    bodyVi:
      'Kính gửi quý phụ huynh,\n\nNhà trường thông báo học sinh được nghỉ học ngày thứ Sáu để tổ chức hội thao.\n\nTrân trọng.',
    subjectEn: 'No school on Friday',
    bodyEn:
      'Dear parents,\n\nThere is no school on Friday: the school holds its sports day.\n\nKind regards.',
    author: { type: 'account', id: null, name: 'Ban giám hiệu' },
  });
  const composeMs = performance.now() - t0;
  if (message.recipientCount !== RECIPIENTS) {
    throw new Error(`composed for ${message.recipientCount} recipients`);
  }
  // Enqueued: the dispatch job has queued one delivery job per batch.
  const batches = await ds.getRepository(BatchEntity).count({ where: { messageId: message.id } });
  for (;;) {
    const dispatch = await ds.getRepository(JobEntity).findOne({
      where: { name: MESSAGING_JOBS.dispatch, dedupeKey: `msg-dispatch:${message.id}` },
    });
    if (dispatch?.status === 'done') {
      break;
    }
    await sleep(20);
  }
  const enqueueMs = performance.now() - t0;
  let stats = await sink.stats();
  let lastLog = performance.now();
  while (stats.count < RECIPIENTS) {
    await sleep(250);
    stats = await sink.stats();
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`  ${stats.count.toLocaleString('en')} delivered`);
    }
  }
  const endToEnd = (performance.now() - t0) / 1000;
  await sleep(1500); // a duplicate would show up now
  stats = await sink.stats();
  const left = await ds
    .getRepository(RecipientEntity)
    .count({ where: { messageId: message.id, status: In(['pending', 'sending']) } });
  clearInterval(sampler);
  const hwm = rssOf(worker.pid!).hwm;
  const workerCpu = cpuOf(worker.pid!) - workerCpu0;
  const sinkCpu = cpuOf(sink.child.pid!) - sinkCpu0;
  let pgUsed = 0;
  for (const [pid, cpu] of await pgCpu(ds)) {
    pgUsed += cpu - (pg0.get(pid) ?? 0);
  }
  worker.kill('SIGTERM');
  const ceilingAfter = await ceiling(sink, sample);
  const rawAfter = await ceiling(sink, sample, prebuilt);
  const best = Math.max(ceilingBefore.perSecond, ceilingAfter.perSecond);
  const bestRaw = Math.max(rawBefore.perSecond, rawAfter.perSecond);
  const per1000 = (sec: number): number => Math.round((sec * 1000) / (RECIPIENTS / 1000));
  const steady = (stats.lastAt - stats.firstAt) / 1000;
  const rate = RECIPIENTS / steady;
  const duplicates = stats.count - stats.distinctIds;
  const result = {
    recipients: RECIPIENTS,
    batches,
    smtpConnections: CONNECTIONS,
    workerConcurrency: Number(CONCURRENCY),
    composeSeconds: +(composeMs / 1000).toFixed(2),
    composeAndEnqueueSeconds: +(enqueueMs / 1000).toFixed(2),
    deliveriesPerSecond: Math.round(rate),
    endToEndSeconds: +endToEnd.toFixed(1),
    endToEndPerSecond: Math.round(RECIPIENTS / endToEnd),
    ceilingBefore: Math.round(ceilingBefore.perSecond),
    ceilingAfter: Math.round(ceilingAfter.perSecond),
    prebuiltBefore: Math.round(rawBefore.perSecond),
    prebuiltAfter: Math.round(rawAfter.perSecond),
    cpuMsPer1000: {
      worker: per1000(workerCpu),
      postgres: per1000(pgUsed),
      sink: per1000(sinkCpu),
      ceilingNodemailer: Math.round(Math.min(ceilingBefore.cpu, ceilingAfter.cpu)),
      ceilingSink: Math.round(Math.min(ceilingBefore.sinkCpu, ceilingAfter.sinkCpu)),
      prebuiltNodemailer: Math.round(Math.min(rawBefore.cpu, rawAfter.cpu)),
    },
    percentOfCeiling: +((100 * rate) / best).toFixed(1),
    percentOfPrebuilt: +((100 * rate) / bestRaw).toFixed(1),
    reaches90PercentOfCeiling: rate >= 0.9 * best,
    workerPeakRssMB: +(Math.max(peak, hwm) / 1048576).toFixed(0),
    workerIdleRssMB: +(rssIdle / 1048576).toFixed(0),
    workerMode: WORKER_MODE,
    duplicates,
    duplicateRecipients: stats.dupRcpt,
    received: stats.count,
    leftUndelivered: left,
  };
  log('');
  log('| figure | value |');
  log('|---|---|');
  log(
    `| compose (message + ${RECIPIENTS.toLocaleString('en')} recipient rows + ${batches} batches, one transaction) | ${result.composeSeconds} s |`,
  );
  log(
    `| compose + enqueue (until every batch job is queued) | ${result.composeAndEnqueueSeconds} s |`,
  );
  log(
    `| deliveries per second (first to last e-mail at the sink) | ${result.deliveriesPerSecond} |`,
  );
  log(
    `| end to end (compose → last e-mail) | ${result.endToEndSeconds} s (${result.endToEndPerSecond}/s) |`,
  );
  log(
    `| ceiling: plain pooled nodemailer, no database (before / after) | ${result.ceilingBefore} / ${result.ceilingAfter} e-mails/s |`,
  );
  log(
    `| **share of the ceiling** (target ≥ 90 %, against the better of before / after) | **${result.percentOfCeiling} %** (${result.reaches90PercentOfCeiling ? 'reached' : 'NOT reached'}) |`,
  );
  log(
    `| stricter reference: the same pool sending one pre-built message (before / after) | ${result.prebuiltBefore} / ${result.prebuiltAfter} e-mails/s (we reach ${result.percentOfPrebuilt} %) |`,
  );
  log(
    `| CPU per 1,000 e-mails: worker + PostgreSQL (sink) | ${result.cpuMsPer1000.worker} + ${result.cpuMsPer1000.postgres} ms (${result.cpuMsPer1000.sink} ms) |`,
  );
  log(
    `| CPU per 1,000 e-mails: plain nodemailer (sink); pre-built | ${result.cpuMsPer1000.ceilingNodemailer} ms (${result.cpuMsPer1000.ceilingSink} ms); ${result.cpuMsPer1000.prebuiltNodemailer} ms |`,
  );
  log(
    `| **worker peak RSS** (idle before the run; target < 400 MB) | **${result.workerPeakRssMB} MB** (${result.workerIdleRssMB} MB; ${result.workerPeakRssMB < 400 ? 'under' : 'OVER'}) |`,
  );
  log(
    `| duplicates (same Message-ID twice / same address twice) | ${result.duplicates} / ${result.duplicateRecipients} |`,
  );
  log(
    `| e-mails received / rows left undelivered | ${result.received} / ${result.leftUndelivered} |`,
  );
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const out = path.join(ROOT, `bench/results/broadcast-${Date.now()}.json`);
  fs.writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2)}\n`,
  );
  log(`\n(${out.replace(`${ROOT}/`, '')})`);
  await app.close();
  sink.child.kill();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

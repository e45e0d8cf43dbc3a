/*
 * Player benchmark: page render latency (p50/p95/p99) of the lesson player's pages and graded
 * submissions per second, on SQLite (inline queue, the embedded mode) and PostgreSQL (Bull on
 * Redis: the tool only writes the grade's outbox row, as in production with separate workers).
 *
 *   node -r @swc-node/register bench/player/run.ts [--seconds 15] [--concurrency 8] [--learners 200] [--db sqlite|postgres|both]
 *
 * Each database runs in its own child process (bench/player/tool-child.ts: the tool plus a class
 * of pupils launched from the sandbox LMS, each with an answered attempt); this process drives
 * the load over HTTP, so client and server do not share an event loop. It also prints the tool
 * process's CPU time per request, which the machine's other load disturbs far less than latency.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

const root = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const SECONDS = Number(flag('seconds', '15'));
const CONCURRENCY = Number(flag('concurrency', '8'));
const LEARNERS = Number(flag('learners', '200'));
const DBS = flag('db', 'both');
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_DB = 'safenest_bench_player';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/6';

interface Targets {
  url: string;
  module: string;
  pages: number;
  items: number;
  queue: string;
  learners: Array<{ lt: string; attemptId: string }>;
}

interface Stats {
  n: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  maxKb?: number;
}

const pct = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
const round = (n: number): number => Math.round(n * 10) / 10;

function stats(latencies: number[], errors: number, seconds: number, maxBytes?: number): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    n: latencies.length,
    errors,
    perSecond: round(latencies.length / seconds),
    p50: round(pct(sorted, 50)),
    p95: round(pct(sorted, 95)),
    p99: round(pct(sorted, 99)),
    ...(maxBytes !== undefined ? { maxKb: round(maxBytes / 1024) } : {}),
  };
}

async function startChild(
  db: 'sqlite' | 'postgres',
): Promise<{ targets: Targets; cpuMs: () => Promise<number>; stop: () => Promise<void> }> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DEMO_SEED: 'false',
    SANDBOX_ENABLED: 'true',
    RATE_LIMIT_PER_MINUTE: '1000000',
    BENCH_LEARNERS: String(LEARNERS),
    QUEUE_PREFIX: `snbenchplayer${process.pid}`,
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safenest-bench-player-'));
  env.DATA_DIR = tmp;
  if (db === 'sqlite') {
    env.DATABASE_URL = `sqlite:${path.join(tmp, 'bench.sqlite')}`;
    env.REDIS_URL = '';
  } else {
    const admin = new Client({ connectionString: PG_ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${PG_DB}`);
    await admin.end();
    const url = new URL(PG_ADMIN);
    url.pathname = `/${PG_DB}`;
    env.DATABASE_URL = url.toString();
    env.REDIS_URL = REDIS;
  }
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'bench/player/tool-child.ts'],
    {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    const waiter = waiting.shift();
    if (waiter) {
      waiter(l);
    } else {
      lines.push(l);
    }
  });
  const nextLine = (): Promise<string> =>
    lines.length ? Promise.resolve(lines.shift()!) : new Promise((r) => waiting.push(r));
  const line = await new Promise<string>((resolve, reject) => {
    nextLine().then(resolve, reject);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
  return {
    targets: JSON.parse(line) as Targets,
    cpuMs: async () => {
      child.stdin.write('cpu\n');
      for (;;) {
        const answer = await nextLine();
        try {
          const parsed = JSON.parse(answer) as { cpuMs?: unknown };
          if (typeof parsed.cpuMs === 'number') {
            return parsed.cpuMs;
          }
        } catch {
          // not the answer (a log line): keep reading
        }
      }
    },
    stop: async () => {
      const exited = new Promise<void>((r) =>
        child.once('exit', (code, signal) => {
          if (code !== 0) {
            process.stderr.write(`${db} tool process ended with ${code ?? signal}\n`);
          }
          r();
        }),
      );
      child.stdin.end();
      await exited;
      fs.rmSync(tmp, { recursive: true, force: true });
      if (db === 'postgres') {
        const admin = new Client({ connectionString: PG_ADMIN });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
        await admin.end();
      }
    },
  };
}

/** GETs random player pages for SECONDS with CONCURRENCY clients; latency per page kind. */
async function renderPages(
  t: Targets,
): Promise<{ stats: Record<string, Stats>; requests: number }> {
  const kinds: Array<{ kind: string; path: (l: Targets['learners'][number]) => string }> = [
    { kind: 'module entry', path: () => `/play/${t.module}` },
    { kind: 'lesson page', path: (l) => `/play/attempt/${l.attemptId}/2` },
    {
      kind: 'question',
      path: (l) =>
        `/play/attempt/${l.attemptId}/${t.pages + 1 + Math.floor(Math.random() * t.items)}`,
    },
    { kind: 'review', path: (l) => `/play/attempt/${l.attemptId}/${t.pages + t.items + 1}` },
  ];
  const latencies: Record<string, number[]> = { all: [] };
  const errors: Record<string, number> = { all: 0 };
  let maxBytes = 0;
  let requests = 0; // warm-up included: the CPU sample spans both
  const run = async (ms: number, record: boolean): Promise<void> => {
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < end) {
          const l = t.learners[Math.floor(Math.random() * t.learners.length)];
          const k = kinds[Math.floor(Math.random() * kinds.length)];
          const started = performance.now();
          const res = await fetch(`${t.url}${k.path(l)}?lt=${encodeURIComponent(l.lt)}&lang=vi`, {
            headers: { Accept: 'text/html' },
          });
          const body = await res.arrayBuffer();
          const ms2 = performance.now() - started;
          requests++;
          if (!record) {
            continue;
          }
          maxBytes = Math.max(maxBytes, body.byteLength);
          latencies[k.kind] ??= [];
          errors[k.kind] ??= 0;
          if (res.status === 200) {
            latencies[k.kind].push(ms2);
            latencies.all.push(ms2);
          } else {
            errors[k.kind]++;
            errors.all++;
          }
        }
      }),
    );
  };
  await run(2000, false);
  await run(SECONDS * 1000, true);
  return {
    requests,
    stats: Object.fromEntries(
      Object.keys(latencies).map((k) => [
        k,
        stats(latencies[k], errors[k] ?? 0, SECONDS, k === 'all' ? maxBytes : undefined),
      ]),
    ),
  };
}

/** Hands in every prepared attempt, CONCURRENCY at a time. */
async function submitAll(t: Targets): Promise<Stats> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < t.learners.length) {
        const l = t.learners[next++];
        const s = performance.now();
        const res = await fetch(`${t.url}/play/attempt/${l.attemptId}/submit`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
          body: new URLSearchParams({ lt: l.lt, lang: 'vi' }).toString(),
        });
        await res.arrayBuffer();
        if (res.status === 303) {
          latencies.push(performance.now() - s);
        } else {
          errors++;
        }
      }
    }),
  );
  return stats(latencies, errors, (performance.now() - started) / 1000);
}

/** Each learner's results page once (grading feedback recomputed from the saved answers). */
async function resultPages(t: Targets): Promise<Stats> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < t.learners.length) {
        const l = t.learners[next++];
        const s = performance.now();
        const res = await fetch(
          `${t.url}/play/attempt/${l.attemptId}/result?lt=${encodeURIComponent(l.lt)}&lang=vi`,
          {
            headers: { Accept: 'text/html' },
          },
        );
        await res.arrayBuffer();
        if (res.status === 200) {
          latencies.push(performance.now() - s);
        } else {
          errors++;
        }
      }
    }),
  );
  return stats(latencies, errors, (performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const dbs: Array<'sqlite' | 'postgres'> =
    DBS === 'both' ? ['sqlite', 'postgres'] : [DBS as 'sqlite' | 'postgres'];
  const report: Record<string, unknown> = {
    when: new Date().toISOString(),
    machine: `${os.cpus().length} cpu, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    seconds: SECONDS,
    concurrency: CONCURRENCY,
    learners: LEARNERS,
  };
  for (const db of dbs) {
    process.stderr.write(`${db}: preparing ${LEARNERS} pupils with answered attempts…\n`);
    const { targets, cpuMs, stop } = await startChild(db);
    try {
      process.stderr.write(
        `${db}: rendering pages for ${SECONDS} s at ${CONCURRENCY} in flight…\n`,
      );
      const c0 = await cpuMs();
      const { stats: pages, requests } = await renderPages(targets);
      const c1 = await cpuMs();
      process.stderr.write(`${db}: handing in ${targets.learners.length} attempts…\n`);
      const submissions = await submitAll(targets);
      const c2 = await cpuMs();
      const results = await resultPages(targets);
      const c3 = await cpuMs();
      const n = targets.learners.length;
      // The tool process's CPU per request (with SQLite the database is in it too; with the
      // inline queue so are the scores it posts to the sandbox LMS while hand-ins run).
      const cpu = {
        page: round((c1 - c0) / requests),
        submission: round((c2 - c1) / n),
        result: round((c3 - c2) / n),
      };
      report[db] = { queue: targets.queue, pages, submissions, results, cpu };
    } finally {
      await stop();
    }
  }
  const outDir = path.join(root, 'bench/results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `player-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2));
  const line = (label: string, s: Stats): string =>
    `  ${label.padEnd(22)} n=${String(s.n).padStart(6)}  ${String(s.perSecond).padStart(7)}/s  p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms${s.errors ? `  errors ${s.errors}` : ''}${s.maxKb !== undefined ? `  largest page ${s.maxKb} KB` : ''}`;
  for (const db of dbs) {
    const r = report[db] as {
      queue: string;
      pages: Record<string, Stats>;
      submissions: Stats;
      results: Stats;
      cpu: { page: number; submission: number; result: number };
    };
    process.stdout.write(`\n${db} (queue: ${r.queue}), ${CONCURRENCY} in flight\n`);
    for (const [k, s] of Object.entries(r.pages)) {
      process.stdout.write(`${line(k === 'all' ? 'page render (all)' : k, s)}\n`);
    }
    process.stdout.write(`${line('graded submissions', r.submissions)}\n`);
    process.stdout.write(`${line('results page', r.results)}\n`);
    process.stdout.write(
      `  tool CPU per request: page ${r.cpu.page} ms, submission ${r.cpu.submission} ms, results page ${r.cpu.result} ms\n`,
    );
  }
  if (report.sqlite && report.postgres) {
    // Side by side from the same run (the machine's load changes between runs).
    type Side = { pages: Record<string, Stats>; submissions: Stats; cpu: { page: number } };
    const a = report.sqlite as Side;
    const b = report.postgres as Side;
    const ratio = (x: number, y: number): string => (y ? (x / y).toFixed(2) : '—');
    process.stdout.write(
      `\nPostgreSQL ÷ SQLite: page render p95 ×${ratio(b.pages.all.p95, a.pages.all.p95)}, ` +
        `graded submissions/s ×${ratio(b.submissions.perSecond, a.submissions.perSecond)}, ` +
        `tool CPU per page ×${ratio(b.cpu.page, a.cpu.page)}\n`,
    );
  }
  process.stdout.write(`\n(written to ${path.relative(root, file)})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

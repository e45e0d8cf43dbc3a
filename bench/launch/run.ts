/*
 * Launch benchmark: complete LTI launches per second (login → platform auth → launch → first
 * page) and p50/p95 latency at N in flight, for SafeNest and for stock ltijs (ltijs-sequelize,
 * set up as its README shows), through the same platform simulator, on SQLite and PostgreSQL.
 *
 *   node -r @swc-node/register bench/launch/run.ts [--seconds 15] [--concurrency 20] [--db sqlite|postgres|both] [--bare] [--rounds N]
 *
 * `--bare` adds bench/launch/bare-tool.ts through the same harness: what this machine allows a
 * tool that does nothing but the protocol.
 *
 * `--against <checkout>` compares this checkout's SafeNest with another's (e.g.
 * `git worktree add /tmp/before HEAD~1 && ln -s $PWD/node_modules /tmp/before/`), interleaved,
 * and prints the ratio of their CPU per launch: the way to see a few percent on a noisy machine.
 * `bench/launch/profile-summary.ts` reads a `--cpu-prof` profile.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

/** The platform simulator, running in its own process. */
interface Simulator {
  issuer: string;
  clientId: string;
  deploymentId: string;
  pid: number | undefined;
  close(): Promise<void>;
}

let simPid: number | undefined;

async function spawnSimulator(moduleId: string): Promise<Simulator> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'bench/launch/platform-sim.ts', moduleId],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const info = await new Promise<{ issuer: string; clientId: string; deploymentId: string }>(
    (resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) {
          resolve(JSON.parse(buf.slice(0, buf.indexOf('\n'))) as never);
        }
      });
      child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
    },
  );
  return { ...info, pid: child.pid, close: () => stop(child) };
}

const root = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const SECONDS = Number(flag('seconds', '15'));
const CONCURRENCY = Number(flag('concurrency', '20'));
const WARMUP_SECONDS = 3;
const DBS = flag('db', 'both');
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** `--only safenest|stock`: measure one side (profiling); the ratio needs both. */
const ONLY = flag('only', '');
/** `--cpu-prof <dir>`: write a V8 CPU profile of the SafeNest tool process there. */
const CPU_PROF = flag('cpu-prof', '');
/** `--breakdown`: also print the tool's CPU time per step (login, launch, first page). */
const BREAKDOWN = args.includes('--breakdown');
/**
 * `--bare`: also launch through bench/launch/bare-tool.ts (bare node:http, no framework, no
 * database, no page), the most any tool could do here with this harness.
 */
const BARE = args.includes('--bare');
const BARE_TARGET = 'bare protocol only (yardstick)';
/**
 * `--rounds N`: measure every side N times, alternating, and compare the medians: on a shared,
 * noisy machine one round can land on a busy moment for one side only.
 */
const ROUNDS = Math.max(1, Number(flag('rounds', '1')));
/** `--against <checkout>`: SafeNest of this checkout and of another, interleaved (benchAgainst). */
const AGAINST = flag('against', '');
const stepCpu = new Map<string, number>();

interface Result {
  target: string;
  database: string;
  launches: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  /** CPU time (user + system) the tool's process spent per completed launch, in ms. */
  cpuMsPerLaunch: number;
  /** CPU the load generator and the platform simulator spent per launch, in ms. */
  harnessMsPerLaunch: number;
  firstError?: string;
}

/** User + system CPU time of a process so far, in ms (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12] = utime, stime in clock ticks (USER_HZ = 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

type Launch = (user: string) => Promise<void>;

/** A lean HTTP client (keep-alive, no WHATWG fetch overhead): the load generator's CPU is shared. */
interface Reply {
  status: number;
  location: string | null;
  cookies: string[];
  text: string;
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location ?? null,
            cookies: res.headers['set-cookie'] ?? [],
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(init.body);
  });
}

function cookiesOf(res: Reply, jar: Map<string, string>): void {
  for (const c of res.cookies) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
}
const cookieHeader = (jar: Map<string, string>): string =>
  [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

function expectStatus(res: Reply, statuses: number[], step: string): void {
  if (!statuses.includes(res.status)) {
    throw new Error(`${step}: HTTP ${res.status} ${res.text.slice(0, 200).replace(/\s+/g, ' ')}`);
  }
}

/** Platform auth: the simulator's auto-submitting form. */
async function authorize(
  location: string,
): Promise<{ action: string; idToken: string; state: string }> {
  const res = await request(location);
  expectStatus(res, [200], 'platform auth');
  const html = res.text;
  const field = (name: string): string =>
    new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  return {
    action: /action="([^"]+)"/.exec(html)?.[1] ?? '',
    idToken: field('id_token'),
    state: field('state'),
  };
}

function launchFlow(
  base: string,
  loginPath: string,
  target: string,
  sim: Simulator,
  firstPageText: string,
  pid?: number,
): Launch {
  /** With `--breakdown` (run at 1 in flight): the tool's CPU time per step, summed. */
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    if (!BREAKDOWN) {
      return work();
    }
    const before = cpuMsOf(pid);
    const result = await work();
    stepCpu.set(name, (stepCpu.get(name) ?? 0) + cpuMsOf(pid) - before);
    return result;
  };
  return async (user) => {
    const jar = new Map<string, string>();
    const q = new URLSearchParams({
      iss: sim.issuer,
      login_hint: user,
      target_link_uri: target,
      client_id: sim.clientId,
      lti_deployment_id: sim.deploymentId,
    });
    const login = await step('login', () => request(`${base}${loginPath}?${q.toString()}`));
    expectStatus(login, [302, 303], 'login');
    cookiesOf(login, jar);
    const form = await authorize(new URL(login.location!, base).toString());
    const launch = await step('launch', () =>
      request(form.action, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Cookie: cookieHeader(jar),
        },
        body: new URLSearchParams({ id_token: form.idToken, state: form.state }).toString(),
      }),
    );
    expectStatus(launch, [200, 302, 303], 'launch');
    cookiesOf(launch, jar);
    // SafeNest answers a learner's launch with the first page itself (ADR 0107); ltijs redirects.
    const page =
      launch.status === 200
        ? launch
        : await step('first page', () =>
            request(new URL(launch.location!, base).toString(), {
              headers: { Cookie: cookieHeader(jar), Accept: 'text/html' },
            }),
          );
    expectStatus(page, [200], 'first page');
    const text = page.text;
    if (!text.includes(firstPageText)) {
      throw new Error('first page: unexpected content');
    }
  };
}

/** One tool under measurement: its launch flow and its process (for its CPU time). */
interface Side {
  target: string;
  launch: Launch;
  pid: number | undefined;
}

async function measure(
  target: string,
  database: string,
  launch: Launch,
  pid: number | undefined,
): Promise<Result> {
  return (await measureSides([{ target, launch, pid }], database))[0];
}

/**
 * Runs CONCURRENCY launch loops for the warm-up and the measured seconds. With several sides
 * (`--against`) every loop takes them in turn, so each side meets the same moments of a noisy
 * machine and the same load; each side's CPU is its own process's, per launch it completed.
 */
async function measureSides(sides: Side[], database: string): Promise<Result[]> {
  let counter = 0;
  const user = (): string => `u${counter++ % 500}`;
  const stats = sides.map(() => ({
    latencies: [] as number[],
    errors: 0,
    firstError: undefined as string | undefined,
  }));
  const runFor = async (ms: number, record: boolean): Promise<void> => {
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        for (let turn = worker; Date.now() < end; turn++) {
          const i = turn % sides.length;
          const started = performance.now();
          try {
            await sides[i].launch(user());
            if (record) {
              stats[i].latencies.push(performance.now() - started);
            }
          } catch (err) {
            if (record) {
              stats[i].errors++;
              stats[i].firstError ??= String(err);
            }
          }
        }
      }),
    );
  };
  await runFor(WARMUP_SECONDS * 1000, false);
  const started = Date.now();
  const cpuBefore = sides.map((side) => cpuMsOf(side.pid));
  const selfBefore = process.cpuUsage();
  const simBefore = cpuMsOf(simPid);
  await runFor(SECONDS * 1000, true);
  const elapsed = (Date.now() - started) / 1000;
  const cpuMs = sides.map((side, i) => cpuMsOf(side.pid) - cpuBefore[i]);
  const self = process.cpuUsage(selfBefore);
  const all = Math.max(
    1,
    stats.reduce((sum, st) => sum + st.latencies.length, 0),
  );
  if (BREAKDOWN) {
    // Includes the warm-up launches: divide by all of them.
    process.stdout.write(
      `  (${sides.map((x) => x.target).join(' + ')}: tool CPU per step ${[...stepCpu].map(([k, v]) => `${k} ${(v / counter).toFixed(1)} ms`).join(', ')})\n`,
    );
    stepCpu.clear();
  }
  const loadgenMs = (self.user + self.system) / 1000 / all;
  const simMs = (cpuMsOf(simPid) - simBefore) / all;
  return sides.map((side, i) => {
    const { latencies, errors, firstError } = stats[i];
    const n = Math.max(1, latencies.length);
    const toolMs = cpuMs[i] / n;
    // What this machine can do at most, whatever the tool: every launch needs the tool's, the
    // load generator's and the simulator's CPU from the same cores, and the tool runs on one thread.
    const cores = os.cpus().length;
    process.stdout.write(
      `  (${side.target}: load generator CPU ${loadgenMs.toFixed(1)} ms/launch, platform simulator ${simMs.toFixed(1)} ms/launch; ` +
        `ceiling here ${((cores * 1000) / (toolMs + loadgenMs + simMs)).toFixed(0)} launches/s for all ${cores} cores, ` +
        `${(1000 / toolMs).toFixed(0)}/s for the tool's one thread)\n`,
    );
    latencies.sort((a, b) => a - b);
    const pct = (p: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    return {
      target: side.target,
      database,
      launches: latencies.length,
      errors,
      perSecond: latencies.length / elapsed,
      p50: pct(0.5),
      p95: pct(0.95),
      cpuMsPerLaunch: toolMs,
      harnessMsPerLaunch: loadgenMs + simMs,
      firstError,
    };
  });
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function resetPg(db: string): Promise<boolean> {
  const admin = new Client({ connectionString: PG_ADMIN });
  try {
    await admin.connect();
  } catch {
    return false;
  }
  await admin.query(`DROP DATABASE IF EXISTS "${db}"`);
  await admin.query(`CREATE DATABASE "${db}"`);
  await admin.end();
  return true;
}

function pgUrl(db: string): string {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${db}`;
  return u.toString();
}

async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not start`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

async function benchSafeNest(
  sim: Simulator,
  database: 'sqlite' | 'postgres',
  moduleId: string,
): Promise<Result> {
  const tool = await startSafeNest(sim, database, moduleId, root, 'safenest_bench_lti');
  try {
    return await measure('SafeNest', database, tool.launch, tool.pid);
  } finally {
    await tool.close();
  }
}

/**
 * `--against <checkout>`: this checkout's SafeNest and another's (a git worktree of an earlier
 * commit, with node_modules), both running, every launch loop taking them in turn. Comparing
 * two builds one after the other on this machine drowns a 5% change in noise (the same build
 * measured 2.0 and 4.5 ms per launch minutes apart); interleaved, both meet the same moments.
 */
async function benchAgainst(
  sim: Simulator,
  database: 'sqlite' | 'postgres',
  moduleId: string,
  checkout: string,
): Promise<Result[]> {
  const ours = await startSafeNest(sim, database, moduleId, root, 'safenest_bench_lti');
  try {
    const theirs = await startSafeNest(sim, database, moduleId, checkout, 'safenest_bench_lti_b');
    try {
      return await measureSides(
        [
          { target: 'SafeNest', launch: ours.launch, pid: ours.pid },
          {
            target: `SafeNest @ ${path.basename(checkout)}`,
            launch: theirs.launch,
            pid: theirs.pid,
          },
        ],
        database,
      );
    } finally {
      await theirs.close();
    }
  } finally {
    await ours.close();
  }
}

/** The tool of a checkout on a fresh database, the simulator registered, ready for launches. */
async function startSafeNest(
  sim: Simulator,
  database: 'sqlite' | 'postgres',
  moduleId: string,
  checkout: string,
  pgDatabase: string,
): Promise<{ launch: Launch; pid: number | undefined; close(): Promise<void> }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let dbUrl = `sqlite:${path.join(os.tmpdir(), `${pgDatabase}-${process.pid}.sqlite`)}`;
  if (database === 'postgres') {
    await resetPg(pgDatabase);
    dbUrl = pgUrl(pgDatabase);
  } else {
    fs.rmSync(dbUrl.slice('sqlite:'.length), { force: true });
  }
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    PUBLIC_URL: base,
    DATABASE_URL: dbUrl,
    DEMO_SEED: 'false',
    SANDBOX_ENABLED: 'false',
    LOG_LEVEL: 'error',
    RATE_LIMIT_PER_MINUTE: '100000000',
  };
  delete (env as Record<string, string | undefined>).REDIS_URL;
  const cli = spawnSync(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      'apps/cli/src/main.ts',
      'platform:add',
      '--issuer',
      sim.issuer,
      '--client-id',
      sim.clientId,
      '--name',
      'Bench platform',
      '--auth-url',
      `${sim.issuer}/auth`,
      '--token-url',
      `${sim.issuer}/token`,
      '--jwks-url',
      `${sim.issuer}/jwks`,
      '--deployment',
      sim.deploymentId,
    ],
    { cwd: checkout, env, encoding: 'utf8' },
  );
  if (cli.status !== 0) {
    throw new Error(`platform:add failed in ${checkout}: ${cli.stderr || cli.stdout}`);
  }
  const profile = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(CPU_PROF)] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      // BENCH_PRELOAD=<file.js>: a module loaded first into the tool (event-loop or GC probes).
      ...(process.env.BENCH_PRELOAD ? ['-r', process.env.BENCH_PRELOAD] : []),
      '-r',
      '@swc-node/register',
      'apps/tool/src/main.ts',
    ],
    {
      cwd: checkout,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await waitFor(async () => (await fetch(`${base}/health/ready`)).ok, 'SafeNest');
  } catch (err) {
    await stop(child);
    throw err;
  }
  return {
    launch: launchFlow(base, '/lti/login', `${base}/lti/launch`, sim, moduleId, child.pid),
    pid: child.pid,
    close: () => stop(child),
  };
}

/** A TypeScript script of the benchmark as a child process, its stdout piped. */
function spawnScript(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Resolves when the child prints READY; rejects if it exits first. */
function untilReady(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}`)));
  });
}

/** Installs stock ltijs's storage (ltijs-sequelize + drivers) beside the benchmark, once. */
function ensureStockInstalled(): void {
  const dir = path.join(root, 'bench/launch/stock');
  if (fs.existsSync(path.join(dir, 'node_modules/ltijs-sequelize'))) {
    return;
  }
  console.log('Installing stock ltijs storage (ltijs-sequelize, sqlite3 built from source) …');
  const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (res.status !== 0) {
    throw new Error('Could not install bench/launch/stock (ltijs-sequelize)');
  }
}

async function benchStock(sim: Simulator, database: 'sqlite' | 'postgres'): Promise<Result> {
  ensureStockInstalled();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let db = path.join(os.tmpdir(), `ltijs-bench-${process.pid}.sqlite`);
  if (database === 'postgres') {
    await resetPg('safenest_bench_ltijs');
    db = 'safenest_bench_ltijs';
  } else {
    fs.rmSync(db, { force: true });
  }
  const child = spawnScript('bench/launch/stock-ltijs.ts', [
    String(port),
    database,
    db,
    sim.issuer,
  ]);
  try {
    await untilReady(child, 'stock ltijs');
    return await measure(
      'stock ltijs (ltijs-sequelize)',
      database,
      launchFlow(base, '/login', `${base}/`, sim, "It's alive!", child.pid),
      child.pid,
    );
  } finally {
    await stop(child);
  }
}

async function benchBare(sim: Simulator): Promise<Result> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawnScript('bench/launch/bare-tool.ts', [String(port), sim.issuer, sim.clientId]);
  try {
    await untilReady(child, 'bare tool');
    return await measure(
      BARE_TARGET,
      'none',
      launchFlow(base, '/login', `${base}/launch`, sim, 'bare tool', child.pid),
      child.pid,
    );
  } finally {
    await stop(child);
  }
}

function firstModuleId(): string {
  const dir = path.join(root, 'curricula');
  for (const band of fs.readdirSync(dir)) {
    const bandDir = path.join(dir, band);
    if (!fs.statSync(bandDir).isDirectory()) {
      continue;
    }
    for (const m of fs.readdirSync(bandDir)) {
      if (fs.existsSync(path.join(bandDir, m, 'module.yaml'))) {
        return m;
      }
    }
  }
  throw new Error('no module in curricula/');
}

async function main(): Promise<void> {
  const moduleId = firstModuleId();
  const sim = await spawnSimulator(moduleId);
  simPid = sim.pid;
  const results: Result[] = [];
  const dbs: ('sqlite' | 'postgres')[] =
    DBS === 'both' ? ['sqlite', 'postgres'] : [DBS as 'sqlite' | 'postgres'];
  try {
    for (const database of dbs) {
      if (database === 'postgres' && !(await resetPg('safenest_bench_probe'))) {
        process.stdout.write('PostgreSQL not reachable: skipped.\n');
        continue;
      }
      const runs: Array<() => Promise<Result | Result[]>> = [
        ...(AGAINST ? [() => benchAgainst(sim, database, moduleId, path.resolve(AGAINST))] : []),
        ...(ONLY === 'stock' || AGAINST ? [] : [() => benchSafeNest(sim, database, moduleId)]),
        ...(ONLY === 'safenest' || AGAINST ? [] : [() => benchStock(sim, database)]),
        ...(BARE && database === dbs[0] ? [() => benchBare(sim)] : []),
      ];
      for (const run of Array.from({ length: ROUNDS }, () => runs).flat()) {
        for (const r of [await run()].flat()) {
          results.push(r);
          process.stdout.write(
            `${r.target.padEnd(32)} ${r.database.padEnd(9)} ${r.perSecond.toFixed(1).padStart(8)} launches/s  p50 ${r.p50.toFixed(1).padStart(7)} ms  p95 ${r.p95.toFixed(1).padStart(7)} ms  CPU ${r.cpuMsPerLaunch.toFixed(1).padStart(5)} ms/launch  (${r.launches} ok, ${r.errors} errors)${r.firstError ? `  first error: ${r.firstError}` : ''}\n`,
          );
        }
      }
    }
  } finally {
    await sim.close();
  }
  process.stdout.write(
    `\n${CONCURRENCY} in flight, ${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up, ${os.cpus().length} CPUs.\n`,
  );
  /** One figure per side: the round with the median launches/s (the only round if one). */
  const median = (pick: (r: Result) => boolean): Result | undefined => {
    const rounds = results.filter(pick).sort((a, b) => a.perSecond - b.perSecond);
    return rounds[Math.floor((rounds.length - 1) / 2)];
  };
  if (ROUNDS > 1) {
    process.stdout.write(`Medians of ${ROUNDS} alternating rounds (by launches/s):\n`);
  }
  if (AGAINST) {
    // Paired rounds: the ratio of each round's CPU per launch, then the median of those ratios.
    for (const database of dbs) {
      const ours = results.filter((r) => r.database === database && r.target === 'SafeNest');
      const theirs = results.filter((r) => r.database === database && r.target !== 'SafeNest');
      const ratios = ours
        .map((r, i) => theirs[i].cpuMsPerLaunch / r.cpuMsPerLaunch)
        .sort((a, b) => a - b);
      const mid = ratios[Math.floor((ratios.length - 1) / 2)];
      if (mid !== undefined) {
        process.stdout.write(
          `${database}: ${theirs[0].target} / this checkout = ${mid.toFixed(3)}x CPU per launch ` +
            `(median of ${ratios.length} interleaved rounds: ${ratios.map((x) => x.toFixed(3)).join(', ')})\n`,
        );
      }
    }
  }
  for (const database of dbs) {
    const ours = median((r) => r.database === database && r.target === 'SafeNest');
    const stock = median(
      (r) => r.database === database && r.target !== 'SafeNest' && r.target !== BARE_TARGET,
    );
    const bare = median((r) => r.target === BARE_TARGET);
    if (ROUNDS > 1) {
      for (const r of [ours, stock, ...(database === dbs[0] && bare ? [bare] : [])]) {
        if (r) {
          process.stdout.write(
            `  ${r.target.padEnd(32)} ${database.padEnd(9)} ${r.perSecond.toFixed(1).padStart(8)} launches/s  p95 ${r.p95.toFixed(1).padStart(7)} ms  CPU ${r.cpuMsPerLaunch.toFixed(1).padStart(5)} ms/launch\n`,
          );
        }
      }
    }
    if (bare && stock && stock.perSecond > 0) {
      process.stdout.write(
        `${database}: the bare yardstick = ${(bare.perSecond / stock.perSecond).toFixed(1)}x stock ltijs's launches/s at p95 ${bare.p95.toFixed(0)} ms, with ${bare.cpuMsPerLaunch.toFixed(1)} ms of CPU per launch\n`,
      );
    }
    if (ours && stock && stock.perSecond > 0 && !AGAINST) {
      process.stdout.write(
        `${database}: SafeNest / stock ltijs = ${(ours.perSecond / stock.perSecond).toFixed(1)}x launches/s, ${(stock.cpuMsPerLaunch / ours.cpuMsPerLaunch).toFixed(1)}x less tool CPU per launch\n`,
      );
      // 10x stock on these cores leaves this much CPU per launch for the tool, once the load
      // generator and the simulator have had theirs.
      const target = stock.perSecond * 10;
      const budget = (os.cpus().length * 1000) / target - ours.harnessMsPerLaunch;
      process.stdout.write(
        `${database}: 10x stock = ${target.toFixed(0)} launches/s; with the harness's ${ours.harnessMsPerLaunch.toFixed(1)} ms per launch on the same cores that leaves the tool ${budget.toFixed(1)} ms of CPU per launch at 100% of every core (it uses ${ours.cpuMsPerLaunch.toFixed(1)}), and ${(1000 / target).toFixed(1)} ms on its one thread\n`,
      );
    }
  }
  const out = path.join(root, 'bench/results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, `launch-${Date.now()}.json`),
    JSON.stringify(
      { concurrency: CONCURRENCY, seconds: SECONDS, rounds: ROUNDS, results },
      null,
      2,
    ),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

/*
 * Launch benchmark: complete LTI launches per second (login → platform auth → launch → first
 * page) and p50/p95 latency at N in flight, for SafeNest and for stock ltijs (ltijs-sequelize,
 * set up as its README shows), through the same platform simulator, on SQLite and PostgreSQL.
 *
 *   node -r @swc-node/register bench/launch/run.ts [--seconds 15] [--concurrency 20] [--db sqlite|postgres|both]
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startSimulator, Simulator } from './platform-sim';

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

interface Result {
  target: string;
  database: string;
  launches: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  firstError?: string;
}

type Launch = (user: string) => Promise<void>;

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
}
const cookieHeader = (jar: Map<string, string>): string =>
  [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function expectStatus(res: Response, statuses: number[], step: string): Promise<void> {
  if (!statuses.includes(res.status)) {
    throw new Error(
      `${step}: HTTP ${res.status} ${(await res.text()).slice(0, 200).replace(/\s+/g, ' ')}`,
    );
  }
}

/** Platform auth: the simulator's auto-submitting form. */
async function authorize(
  location: string,
): Promise<{ action: string; idToken: string; state: string }> {
  const res = await fetch(location);
  await expectStatus(res, [200], 'platform auth');
  const html = await res.text();
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
): Launch {
  return async (user) => {
    const jar = new Map<string, string>();
    const q = new URLSearchParams({
      iss: sim.issuer,
      login_hint: user,
      target_link_uri: target,
      client_id: sim.clientId,
      lti_deployment_id: sim.deploymentId,
    });
    const login = await fetch(`${base}${loginPath}?${q.toString()}`, { redirect: 'manual' });
    await expectStatus(login, [302, 303], 'login');
    cookiesOf(login, jar);
    const form = await authorize(login.headers.get('location')!);
    const launch = await fetch(form.action, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieHeader(jar) },
      body: new URLSearchParams({ id_token: form.idToken, state: form.state }).toString(),
    });
    await expectStatus(launch, [302, 303], 'launch');
    cookiesOf(launch, jar);
    const page = await fetch(new URL(launch.headers.get('location')!, base), {
      headers: { Cookie: cookieHeader(jar), Accept: 'text/html' },
    });
    await expectStatus(page, [200], 'first page');
    const text = await page.text();
    if (!text.includes(firstPageText)) {
      throw new Error('first page: unexpected content');
    }
  };
}

async function measure(target: string, database: string, launch: Launch): Promise<Result> {
  let counter = 0;
  const user = (): string => `u${counter++ % 500}`;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const runFor = async (ms: number, record: boolean): Promise<void> => {
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < end) {
          const started = performance.now();
          try {
            await launch(user());
            if (record) {
              latencies.push(performance.now() - started);
            }
          } catch (err) {
            if (record) {
              errors++;
              firstError ??= String(err);
            }
          }
        }
      }),
    );
  };
  await runFor(WARMUP_SECONDS * 1000, false);
  const started = Date.now();
  await runFor(SECONDS * 1000, true);
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    target,
    database,
    launches: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50: pct(0.5),
    p95: pct(0.95),
    firstError,
  };
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
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let dbUrl = `sqlite:${path.join(os.tmpdir(), `safenest-bench-${process.pid}.sqlite`)}`;
  if (database === 'postgres') {
    await resetPg('safenest_bench_lti');
    dbUrl = pgUrl('safenest_bench_lti');
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
    { cwd: root, env, encoding: 'utf8' },
  );
  if (cli.status !== 0) {
    throw new Error(`platform:add failed: ${cli.stderr || cli.stdout}`);
  }
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/tool/src/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(async () => (await fetch(`${base}/health/ready`)).ok, 'SafeNest');
    return await measure(
      'SafeNest',
      database,
      launchFlow(base, '/lti/login', `${base}/lti/launch`, sim, moduleId),
    );
  } finally {
    await stop(child);
  }
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
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      'bench/launch/stock-ltijs.ts',
      String(port),
      database,
      db,
      sim.issuer,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
      child.once('exit', (code) => reject(new Error(`stock ltijs exited ${code}`)));
    });
    return await measure(
      'stock ltijs (ltijs-sequelize)',
      database,
      launchFlow(base, '/login', `${base}/`, sim, "It's alive!"),
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
  const sim = await startSimulator(moduleId);
  const results: Result[] = [];
  const dbs: ('sqlite' | 'postgres')[] =
    DBS === 'both' ? ['sqlite', 'postgres'] : [DBS as 'sqlite' | 'postgres'];
  try {
    for (const database of dbs) {
      if (database === 'postgres' && !(await resetPg('safenest_bench_probe'))) {
        process.stdout.write('PostgreSQL not reachable: skipped.\n');
        continue;
      }
      for (const run of [
        () => benchSafeNest(sim, database, moduleId),
        () => benchStock(sim, database),
      ]) {
        const r = await run();
        results.push(r);
        process.stdout.write(
          `${r.target.padEnd(32)} ${r.database.padEnd(9)} ${r.perSecond.toFixed(1).padStart(8)} launches/s  p50 ${r.p50.toFixed(1).padStart(7)} ms  p95 ${r.p95.toFixed(1).padStart(7)} ms  (${r.launches} ok, ${r.errors} errors)${r.firstError ? `  first error: ${r.firstError}` : ''}\n`,
        );
      }
    }
  } finally {
    await sim.close();
  }
  process.stdout.write(
    `\n${CONCURRENCY} in flight, ${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up, ${os.cpus().length} CPUs.\n`,
  );
  for (const database of dbs) {
    const ours = results.find((r) => r.database === database && r.target === 'SafeNest');
    const stock = results.find((r) => r.database === database && r.target !== 'SafeNest');
    if (ours && stock && stock.perSecond > 0) {
      process.stdout.write(
        `${database}: SafeNest / stock ltijs = ${(ours.perSecond / stock.perSecond).toFixed(1)}x launches/s\n`,
      );
    }
  }
  const out = path.join(root, 'bench/results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, `launch-${Date.now()}.json`),
    JSON.stringify({ concurrency: CONCURRENCY, seconds: SECONDS, results }, null, 2),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

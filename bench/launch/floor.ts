/*
 * The HTTP floor under a launch: CPU time per request of a trivial JSON route served by bare
 * node:http, by bare Express 5 (the framework under Nest here), and by the SafeNest tool's
 * /health/live (Express + Nest + our middleware: request context, security headers, body and
 * cookie parsers, rate limit). A launch is three such requests before any LTI work.
 *
 *   node -r @swc-node/register bench/launch/floor.ts [--requests 4000]
 *
 * Each server runs in its own process; a keep-alive client sends requests 8 at a time and the
 * server's CPU (user + system, /proc) is divided by the requests.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const args = process.argv.slice(2);
const REQUESTS = Number(args[args.indexOf('--requests') + 1] || 4000) || 4000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function cpuMsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if ((await get(url).catch(() => 0)) === 200) {
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

async function measure(name: string, child: ChildProcess, url: string): Promise<number> {
  try {
    await waitUp(url);
    for (let i = 0; i < 500; i++) {
      await get(url);
    }
    const before = cpuMsOf(child.pid!);
    for (let i = 0; i < REQUESTS; i += 8) {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => get(url)));
      if (statuses.some((s) => s !== 200)) {
        throw new Error(`${name}: HTTP ${statuses.join(',')}`);
      }
    }
    const ms = (cpuMsOf(child.pid!) - before) / REQUESTS;
    process.stdout.write(`${name.padEnd(48)} ${ms.toFixed(3)} ms CPU per request\n`);
    return ms;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const BARE = `
const http = require('node:http');
const kind = process.argv[1];
const port = Number(process.argv[2]);
let handler = (req, res) => { res.setHeader('Content-Type', 'application/json'); res.end('{"status":"ok"}'); };
if (kind === 'express') {
  const app = require(${JSON.stringify(path.join(root, 'node_modules/express'))})();
  app.set('etag', false);
  app.get('/health/live', (req, res) => res.json({ status: 'ok' }));
  handler = app;
}
http.createServer(handler).listen(port, '127.0.0.1');
`;

async function main(): Promise<void> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const node = await measure(
    'bare node:http',
    spawn(process.execPath, ['-e', BARE, 'node', String(port)], { stdio: 'inherit' }),
    `http://127.0.0.1:${port}/health/live`,
  );
  const express = await measure(
    'bare Express 5',
    spawn(process.execPath, ['-e', BARE, 'express', String(port + 1)], { stdio: 'inherit' }),
    `http://127.0.0.1:${port + 1}/health/live`,
  );
  const db = path.join(os.tmpdir(), `safenest-floor-${process.pid}.sqlite`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port + 2),
    PUBLIC_URL: `http://127.0.0.1:${port + 2}`,
    DATABASE_URL: `sqlite:${db}`,
    DEMO_SEED: 'false',
    SANDBOX_ENABLED: 'false',
    LOG_LEVEL: 'error',
    RATE_LIMIT_PER_MINUTE: '100000000',
  };
  delete env.REDIS_URL;
  const tool = await measure(
    'SafeNest tool /health/live (Nest + middleware)',
    spawn(process.execPath, ['-r', '@swc-node/register', 'apps/tool/src/main.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
    `http://127.0.0.1:${port + 2}/health/live`,
  );
  for (const suffix of ['', '-wal', '-shm']) {
    fs.rmSync(`${db}${suffix}`, { force: true });
  }
  process.stdout.write(
    `\nExpress adds ${(express - node).toFixed(3)} ms per request over node:http; Nest and our middleware ${(tool - express).toFixed(3)} ms more.\n` +
      `Three requests per launch: ${(3 * tool).toFixed(2)} ms of framework CPU before any LTI work (${os.cpus().length} CPUs).\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

/*
 * Imported first by run.ts: entity column types are chosen from DATABASE_URL when the entity
 * files load, so the bench database must be set before any lib is imported.
 * `--db postgres` uses its own database `safenest_sg_bench` (created if missing); the default
 * is a fresh SQLite file.
 */
import * as os from 'node:os';
import * as path from 'node:path';

export const ON_POSTGRES = process.argv.includes('--db') && process.argv.includes('postgres');
export const ADMIN_URL =
  process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const DB = 'safenest_sg_bench';
const pg = new URL(ADMIN_URL);
pg.pathname = `/${DB}`;
export const BENCH_URL = ON_POSTGRES
  ? pg.toString()
  : `sqlite:${path.join(os.tmpdir(), `safenest-sg-bench-${process.pid}.sqlite`)}`;
process.env.DATABASE_URL = BENCH_URL;
process.env.REDIS_URL = '';
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'error';
process.env.DEMO_SEED = 'false';

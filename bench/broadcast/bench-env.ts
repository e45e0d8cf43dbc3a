/*
 * Imported first by run.ts: column types follow DATABASE_URL when entity files load, so the
 * bench database must be set before any lib is imported. PostgreSQL + Bull only.
 */
export const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? '100000');
export const DB = `safenest_bench_broadcast${RECIPIENTS === 100_000 ? '' : `_${RECIPIENTS}`}`;
export const ADMIN_URL =
  process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(ADMIN_URL);
url.pathname = `/${DB}`;
export const BENCH_URL = url.toString();
export const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/4';
export const PREFIX = `benchbc${process.pid}`;
process.env.DATABASE_URL = BENCH_URL;
process.env.REDIS_URL = REDIS;
process.env.QUEUE_PREFIX = PREFIX;
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'error';
process.env.DEMO_SEED = 'false';
process.env.SANDBOX_ENABLED = 'false';

/*
 * Imported first by run.ts: entity column types are chosen from DATABASE_URL when the entity
 * files load, so the bench database must be set before any lib is imported.
 */
export const SCALE = Number(process.env.BENCH_SCALE ?? '1');
export const DB =
  SCALE === 1
    ? 'safenest_bench_coverage'
    : `safenest_bench_coverage_${String(SCALE).replace('.', '_')}`;
export const ADMIN_URL =
  process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(ADMIN_URL);
url.pathname = `/${DB}`;
export const BENCH_URL = url.toString();
process.env.DATABASE_URL = BENCH_URL;
process.env.REDIS_URL = '';
process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'error';
process.env.DEMO_SEED = 'false';

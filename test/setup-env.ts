/*
 * Runs before each e2e file is loaded. SQLite by default (a fresh file per test file);
 * PostgreSQL and Bull when the caller sets DATABASE_URL / REDIS_URL (CI does both runs).
 * Each file gets its own Bull prefix so parallel files never consume each other's jobs.
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

const id = randomBytes(4).toString('hex');
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'error';
process.env.DEMO_SEED = 'false';
process.env.SANDBOX_ENABLED ??= 'true';
process.env.DATA_DIR = path.join(os.tmpdir(), `safenest-test-${id}`);
process.env.DATABASE_URL ??= `sqlite:${path.join(os.tmpdir(), `safenest-test-${id}.sqlite`)}`;
process.env.QUEUE_PREFIX = `sntest${id}`;
process.env.QUEUE_SWEEP_SECONDS ??= '1';
process.env.QUEUE_BACKOFF_MS ??= '50';

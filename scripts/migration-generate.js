#!/usr/bin/env node
// Generates the migration <lib> <Name> for both dialects: SQLite on a scratch file and PostgreSQL on
// a scratch database (MIGRATION_PG_URL, default the local server), each with all existing
// migrations applied first.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const args = process.argv.slice(2);
const root = path.join(__dirname, '..');
const admin = process.env.MIGRATION_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const scratchDb = `safenest_migration_${process.pid}`;

function run(env) {
  execFileSync(
    process.execPath,
    ['-r', '@swc-node/register', 'scripts/migration-generate.ts', ...args],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    },
  );
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safenest-mig-'));
run({ DATABASE_URL: `sqlite:${path.join(tmp, 'scratch.sqlite')}` });
const psql = (sql) =>
  execFileSync('psql', [admin, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'inherit' });
psql(`DROP DATABASE IF EXISTS ${scratchDb}`);
psql(`CREATE DATABASE ${scratchDb}`);
const url = new URL(admin);
url.pathname = `/${scratchDb}`;
try {
  run({ DATABASE_URL: url.toString() });
} finally {
  psql(`DROP DATABASE IF EXISTS ${scratchDb}`);
}
execFileSync(
  path.join(root, 'node_modules/.bin/prettier'),
  ['--write', `libs/${args[0]}/src/migrations`],
  {
    cwd: root,
    stdio: 'ignore',
  },
);

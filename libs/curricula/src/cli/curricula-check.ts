// npm run curricula:check -- [--dir PATH] [--json]
// Runs as `node -r @swc-node/register libs/curricula/src/cli/curricula-check.ts`.
import { resolve } from 'node:path';
import { runCurriculaCheck } from './run-check.util';

// libs/curricula/src/cli → the repository's curricula/ folder.
const DEFAULT_DIR = resolve(__dirname, '../../../../curricula');

process.exitCode = runCurriculaCheck(process.argv.slice(2), DEFAULT_DIR, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

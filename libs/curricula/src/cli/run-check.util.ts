import { resolve } from 'node:path';
import { formatProblem, loadCurricula } from '../loader/load-curricula.util';

export interface CheckOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = 'usage: curricula-check [--dir PATH] [--json]';

function parseArgs(
  argv: readonly string[],
  defaultDir: string,
): { dir: string; json: boolean } | string {
  const args = { dir: defaultDir, json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') {
      args.json = true;
    } else if (arg === '--dir') {
      const value = argv[i + 1];
      if (!value) {
        return '--dir needs a path';
      }
      args.dir = resolve(value);
      i += 1;
    } else if (arg.startsWith('--dir=')) {
      args.dir = resolve(arg.slice('--dir='.length));
    } else {
      return `unknown argument "${arg}"`;
    }
  }
  return args;
}

/**
 * The curricula checker: every problem as `path:line: message` (paths relative to the working
 * directory) and a one-line summary. With --json, stdout carries only
 * `{ "modules": [{ id, band, languages, items }] }` and the rest goes to stderr.
 * Returns the exit code: 0 clean, 1 problems, 2 bad arguments.
 */
export function runCurriculaCheck(
  argv: readonly string[],
  defaultDir: string,
  output: CheckOutput,
): number {
  const args = parseArgs(argv, defaultDir);
  if (typeof args === 'string') {
    output.stderr(`curricula-check: ${args}\n${USAGE}\n`);
    return 2;
  }
  const content = loadCurricula(args.dir);
  const problems = content.problems.map((problem) => `${formatProblem(problem)}\n`).join('');
  const count = content.problems.length;
  const summary =
    `curricula: ${content.modules.length} module(s), ${content.checks.length} band check(s), ` +
    `${count ? `${count} problem(s)` : 'no problems'}\n`;

  if (args.json) {
    const modules = content.modules.map((module) => ({
      id: module.id,
      band: module.band,
      languages: module.languages,
      items: module.assessment.items.length,
    }));
    output.stdout(`${JSON.stringify({ modules }, null, 2)}\n`);
    output.stderr(problems + summary);
  } else {
    output.stdout(problems + summary);
  }
  return count ? 1 : 0;
}

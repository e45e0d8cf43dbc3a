/**
 * Where a tool process spent its CPU, from a V8 `.cpuprofile` (`run.ts --cpu-prof <dir>`).
 *
 *   node -r @swc-node/register bench/launch/profile-summary.ts <file.cpuprofile> [--top 30]
 *     [--inclusive name1,name2,…]
 *
 * Prints self time by owner (an npm package, a node: module, a file of ours, GC, idle) and the
 * functions with the most self time; `--inclusive` adds the total time under the named functions
 * (every frame whose function name matches, counted once per sample). Percentages are of the busy
 * time (idle excluded), which is what a launch's CPU cost is made of.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: profile-summary.ts <file.cpuprofile> [--top N] [--inclusive a,b]\n');
  process.exit(2);
}
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const top = Number(opt('top', '30'));
const inclusiveNames = opt('inclusive', '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) {
  for (const c of n.children ?? []) {
    parent.set(c, n.id);
  }
}

const root = process.cwd();
function owner(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) {
    return url;
  }
  const local = url.replace(/^file:\/\//, '');
  return path.relative(root, local) || local;
}

const self = new Map<number, number>();
let total = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id);
  if (node?.callFrame.functionName === '(idle)') {
    idle += dt;
    continue;
  }
  total += dt;
  self.set(id, (self.get(id) ?? 0) + dt);
}

const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of self) {
  const f = byId.get(id)!.callFrame;
  const o = owner(f);
  byOwner.set(o, (byOwner.get(o) ?? 0) + us);
  const key = `${f.functionName || '(anonymous)'} ${o}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}

const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const print = (title: string, rows: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${pct(us)} ${ms(us)}  ${k}\n`);
  }
};

process.stdout.write(
  `busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms ` +
    `(${((100 * total) / (total + idle)).toFixed(0)}% busy)\n`,
);
print('self time by owner', byOwner);
print('self time by function', byFunction);

if (inclusiveNames.length > 0) {
  const inclusive = new Map<string, number>(inclusiveNames.map((n) => [n, 0]));
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)!.callFrame.functionName;
      if (inclusive.has(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, inclusive.get(name)! + us);
      }
    }
  }
  print('inclusive time under', inclusive);
}

// `--callers name`: who calls the named function, by the caller's own name and line (self time
// of the named function attributed to the frame above it, and the one above that).
const callersOf = opt('callers', '');
if (callersOf) {
  const rows = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName !== callersOf) {
      continue;
    }
    const chain: string[] = [];
    for (let cur = parent.get(id); cur !== undefined && chain.length < 3; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      chain.push(`${f.functionName || '(anonymous)'} ${owner(f)}:${f.lineNumber + 1}`);
    }
    const key = chain.join(' < ');
    rows.set(key, (rows.get(key) ?? 0) + us);
  }
  print(`callers of ${callersOf}`, rows);
}

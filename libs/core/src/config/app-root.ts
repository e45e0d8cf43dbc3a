import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/**
 * The installation folder (where package.json, curricula/ and the view templates live),
 * found by walking up from this file, so it works from sources, from dist/ and from tests.
 */
export function findAppRoot(): string {
  if (cached) {
    return cached;
  }
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string };
        if (pkg.name === 'safenest') {
          cached = dir;
          return dir;
        }
      } catch {
        // keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      cached = process.cwd();
      return cached;
    }
    dir = parent;
  }
}

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '../..');

/** Starts the real tool entry point as an operator would, with a given environment. */
function start(env: Record<string, string>): {
  status: number | null;
  stderr: string;
  stdout: string;
} {
  const res = spawnSync(process.execPath, ['-r', '@swc-node/register', 'apps/tool/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: res.status, stderr: res.stderr, stdout: res.stdout };
}

describe('Start-up refuses bad configuration with one clear line', () => {
  it('stops on a bad value and names it', () => {
    const res = start({ PORT: 'abc' });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe(
      'Configuration error: PORT="abc": expected an integer port 1-65535.',
    );
  });

  it('refuses production with the default secret and the sandbox on', () => {
    const res = start({
      NODE_ENV: 'production',
      SANDBOX_ENABLED: 'true',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      'Configuration error: APP_SECRET is the development default: refusing to start in production. Set a random value of at least 32 characters.',
      'Configuration error: SANDBOX_ENABLED=true: refusing to start in production; the sandbox LMS can sign launches for anyone.',
    ]);
  });

  it('the worker explains that it needs Redis', () => {
    const res = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/worker/src/main.ts'],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^Configuration error: REDIS_URL is not set\./);
  });
});

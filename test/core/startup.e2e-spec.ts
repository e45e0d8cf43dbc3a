import { spawn, spawnSync } from 'node:child_process';
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
    timeout: 120_000,
  });
  return { status: res.status, stderr: res.stderr, stdout: res.stdout };
}

jest.setTimeout(180_000);

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
        timeout: 120_000,
      },
    );
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^Configuration error: REDIS_URL is not set\./);
  });

  it('starts, serves readiness, and shuts down cleanly on SIGTERM', async () => {
    const port = String(30000 + Math.floor(Math.random() * 20000));
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/tool/src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: port,
        DATABASE_URL: 'sqlite::memory:',
        DEMO_SEED: 'true',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<string>((resolve) =>
      child.on('close', (code, signal) => resolve(signal ?? `code ${code}`)),
    );
    try {
      const deadline = Date.now() + 120_000;
      let ready = 0;
      while (Date.now() < deadline && ready !== 200) {
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
          .then((r) => r.status)
          .catch(() => 0);
        if (ready !== 200) {
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      expect(ready).toBe(200);
      const home = await fetch(`http://127.0.0.1:${port}/?lang=en`).then((r) => r.text());
      expect(home).toContain('province@demo.safenest.vn');
      expect(home).toContain('lead@demo.safenest.vn');
      child.kill('SIGTERM');
      expect(await exited).toBe('code 0');
      expect(stdout).toContain('"msg":"shut down cleanly"');
      // Every log line is JSON with a level; none carries a demo e-mail address.
      const lines = stdout.trim().split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines) {
        expect(() => JSON.parse(line) as unknown).not.toThrow();
      }
      expect(stdout).not.toContain('@demo.safenest.vn');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

import { ConfigValidationError, loadConfig } from './app-config';
import { DEV_APP_SECRET } from './config.definition';
import { renderConfigTable, renderEnvExample } from './config.docs';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      return err.problems;
    }
    throw err;
  }
};

const PROD_OK = {
  NODE_ENV: 'production',
  APP_SECRET: 'a'.repeat(48),
  ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  DATABASE_URL: 'postgres://safenest@db:5432/safenest',
  REDIS_URL: 'redis://redis:6379',
  PUBLIC_URL: 'https://safenest.example.edu.vn',
};

describe('loadConfig', () => {
  it('starts in development with no variables at all: SQLite in ./data, inline queue, sandbox and demo on', () => {
    const c = loadConfig({});
    expect(c.nodeEnv).toBe('development');
    expect(c.database).toEqual({
      type: 'sqlite',
      path: expect.stringMatching(/data[/\\]safenest\.sqlite$/),
    });
    expect(c.redisUrl).toBeUndefined();
    expect(c.sandboxEnabled).toBe(true);
    expect(c.demoSeed).toBe(true);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.encryptionKeys.currentKeyId).toBe('dev1');
  });

  it('names the bad variable and what it expects, one line each', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT="abc": expected an integer port 1-65535.']);
    const many = problemsOf({ PORT: '70000', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(many).toHaveLength(3);
    expect(many[0]).toMatch(/^PORT="70000": expected/);
    expect(many.some((p) => p.startsWith('LOG_LEVEL="loud": expected one of fatal'))).toBe(true);
    // DATABASE_URL is sensitive: its value is never echoed.
    expect(many.some((p) => p.startsWith('DATABASE_URL=***: expected'))).toBe(true);
  });

  it('rejects short secrets and malformed encryption keys without printing them', () => {
    const p = problemsOf({ APP_SECRET: 'short', ENCRYPTION_KEYS: 'k1:dG9vLXNob3J0' });
    expect(p).toEqual([
      'APP_SECRET=***: expected a random string of at least 32 characters (e.g. `openssl rand -base64 48`).',
      'ENCRYPTION_KEYS=***: expected comma-separated keyId:base64 pairs, each key 32 bytes (`openssl rand -base64 32`).',
    ]);
  });

  it('parses several encryption keys, the first one encrypting', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const c = loadConfig({ ENCRYPTION_KEYS: `k2:${k2},k1:${k1}` });
    expect(c.encryptionKeys.currentKeyId).toBe('k2');
    expect([...c.encryptionKeys.keys.keys()]).toEqual(['k2', 'k1']);
  });

  it('accepts a valid production configuration and turns the sandbox and demo off', () => {
    const c = loadConfig(PROD_OK);
    expect(c.isProduction).toBe(true);
    expect(c.sandboxEnabled).toBe(false);
    expect(c.demoSeed).toBe(false);
    expect(c.lti.dynregAutoActivate).toBe(false);
    expect(c.secureCookies).toBe(true);
    expect(c.database).toEqual({ type: 'postgres', url: PROD_OK.DATABASE_URL, schema: undefined });
  });

  it('refuses to start production on unsafe defaults', () => {
    expect(problemsOf({ ...PROD_OK, APP_SECRET: DEV_APP_SECRET })).toEqual([
      'APP_SECRET is the development default: refusing to start in production. Set a random value of at least 32 characters.',
    ]);
    expect(problemsOf({ ...PROD_OK, ENCRYPTION_KEYS: '' })[0]).toMatch(
      /^ENCRYPTION_KEYS is the development default/,
    );
    expect(problemsOf({ ...PROD_OK, SANDBOX_ENABLED: 'true' })).toEqual([
      'SANDBOX_ENABLED=true: refusing to start in production; the sandbox LMS can sign launches for anyone.',
    ]);
    expect(problemsOf({ ...PROD_OK, DEMO_SEED: 'true' })[0]).toMatch(/^DEMO_SEED=true: refusing/);
  });

  it('documents every variable in .env.example and the README table', () => {
    const example = renderEnvExample();
    const table = renderConfigTable();
    for (const name of [
      'PORT',
      'PUBLIC_URL',
      'DATA_DIR',
      'DATABASE_URL',
      'REDIS_URL',
      'NODE_ENV',
      'LOG_LEVEL',
      'APP_SECRET',
      'ENCRYPTION_KEYS',
      'SMTP_URL',
      'LTI_DYNREG_AUTO_ACTIVATE',
    ]) {
      expect(example).toContain(`# ${name}=`);
      expect(table).toContain(`\`${name}\``);
    }
  });
});

describe('configuration docs', () => {
  it('README.md and .env.example are regenerated after a variable changes (npm run cli -- config:docs)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const path = require('node:path') as typeof import('node:path');
    const root = path.join(__dirname, '../../../..');
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(renderConfigTable());
    expect(fs.readFileSync(path.join(root, '.env.example'), 'utf8')).toBe(
      `${renderEnvExample()}\n`,
    );
  });
});

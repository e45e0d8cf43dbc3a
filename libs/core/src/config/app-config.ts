import * as path from 'node:path';
import {
  DEV_APP_SECRET,
  DEV_ENCRYPTION_KEYS,
  NodeEnv,
  RawEnv,
  VARIABLES,
  VariableDefinition,
} from './config.definition';
import { findAppRoot } from './app-root';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type DatabaseConfig =
  { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; schema?: string };

/** The validated configuration, built once at boot. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  appRoot: string;
  port: number;
  publicUrl: string;
  secureCookies: boolean;
  dataDir: string;
  database: DatabaseConfig;
  redisUrl?: string;
  queuePrefix: string;
  logLevel: LogLevel;
  appSecret: string;
  encryptionKeys: { currentKeyId: string; keys: Map<string, Buffer> };
  smtpUrl?: string;
  mailFrom: string;
  lti: { dynregAutoActivate: boolean };
  sandboxEnabled: boolean;
  demoSeed: boolean;
  http: {
    frameAncestors: string[];
    trustProxy: number;
    /** Idle keep-alive connections are closed after this (seconds). */
    keepAliveSeconds: number;
    bodyLimit: string;
    rateLimitPerMinute: number;
  };
  sessionTtlHours: number;
  queue: { concurrency: number; sweepSeconds: number; backoffMs: number };
  metricsToken?: string;
  curriculaDir: string;
  coverage: { suppressionThreshold: number };
  messaging: {
    smsGatewayUrl?: string;
    smsGatewayToken?: string;
    smsWebhookSecret?: string;
    zaloZnsUrl: string;
    zaloAccessToken?: string;
    zaloTemplateId?: string;
    smtpConnections: number;
    batchSize: number;
    leaseSeconds: number;
  };
  safeguarding: { retentionDays: number };
}

/** One problem per variable, each phrased as "NAME=value: expected …". */
export class ConfigValidationError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigValidationError';
  }
}

class Reader {
  readonly problems: string[] = [];
  constructor(
    private readonly env: RawEnv,
    readonly nodeEnv: NodeEnv,
  ) {}

  raw(name: string): string | undefined {
    const def = definition(name);
    const value = this.env[name];
    if (value !== undefined && value.trim() !== '') {
      return value.trim();
    }
    if (typeof def.default === 'function') {
      return def.default(this.env, this.nodeEnv);
    }
    return def.default;
  }

  fail(name: string, value: string | undefined, why?: string): undefined {
    const def = definition(name);
    const shown = def.sensitive ? '***' : JSON.stringify(value ?? '');
    this.problems.push(`${name}=${shown}: expected ${why ?? def.expects}.`);
    return undefined;
  }

  string(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      this.fail(name, value);
      return min;
    }
    return n;
  }

  bool(name: string): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === 'true' || value === '1' || value === 'yes') {
      return true;
    }
    if (value === 'false' || value === '0' || value === 'no' || value === undefined) {
      return false;
    }
    this.fail(name, value);
    return false;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value !== undefined && (allowed as readonly string[]).includes(value)) {
      return value as T;
    }
    this.fail(name, value);
    return allowed[0];
  }
}

function definition(name: string): VariableDefinition {
  const def = VARIABLES.find((v) => v.name === name);
  if (!def) {
    throw new Error(`Unknown configuration variable ${name}`);
  }
  return def;
}

function parseDatabase(r: Reader, dataDir: string, appRoot: string): DatabaseConfig {
  const value = r.raw('DATABASE_URL');
  if (value === undefined) {
    return { type: 'sqlite', path: path.join(dataDir, 'safenest.sqlite') };
  }
  if (value === 'sqlite::memory:') {
    return { type: 'sqlite', path: ':memory:' };
  }
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) {
      r.fail('DATABASE_URL', value);
      return { type: 'sqlite', path: ':memory:' };
    }
    return { type: 'sqlite', path: path.resolve(appRoot, file) };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      const url = new URL(value);
      const schema = url.searchParams.get('schema') ?? undefined;
      return { type: 'postgres', url: value, schema };
    } catch {
      r.fail('DATABASE_URL', value);
    }
  } else {
    r.fail('DATABASE_URL', value);
  }
  return { type: 'sqlite', path: ':memory:' };
}

function parseEncryptionKeys(r: Reader): AppConfig['encryptionKeys'] {
  const value = r.raw('ENCRYPTION_KEYS') ?? '';
  const keys = new Map<string, Buffer>();
  let currentKeyId = '';
  for (const part of value.split(',').map((p) => p.trim())) {
    const m = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(part);
    const key = m ? Buffer.from(m[2], 'base64') : undefined;
    if (!m || !key || key.length !== 32 || keys.has(m[1])) {
      r.fail('ENCRYPTION_KEYS', value);
      return { currentKeyId: 'invalid', keys: new Map([['invalid', Buffer.alloc(32)]]) };
    }
    keys.set(m[1], key);
    currentKeyId ||= m[1];
  }
  return { currentKeyId, keys };
}

function parseUrl(r: Reader, name: string, protocols: string[]): string | undefined {
  const value = r.raw(name);
  if (value === undefined) {
    return undefined;
  }
  try {
    const url = new URL(value);
    if (protocols.includes(url.protocol)) {
      return value.replace(/\/+$/, '');
    }
  } catch {
    // reported below
  }
  return r.fail(name, value);
}

/**
 * Reads and validates the whole configuration. Throws {@link ConfigValidationError} listing
 * every bad variable; production additionally refuses unsafe defaults.
 */
export function loadConfig(env: RawEnv = process.env): AppConfig {
  const nodeEnvRaw = env.NODE_ENV?.trim() || 'development';
  const nodeEnv: NodeEnv = (['development', 'test', 'production'] as const).includes(
    nodeEnvRaw as NodeEnv,
  )
    ? (nodeEnvRaw as NodeEnv)
    : 'development';
  const r = new Reader(env, nodeEnv);
  if (nodeEnv !== nodeEnvRaw) {
    r.fail('NODE_ENV', nodeEnvRaw);
  }
  const appRoot = findAppRoot();
  const port = r.int('PORT', 1, 65535);
  const publicUrl = parseUrl(r, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const dataDir = path.resolve(appRoot, r.string('DATA_DIR') ?? 'data');
  const appSecret = r.string('APP_SECRET') ?? '';
  if (appSecret.length < 32) {
    r.fail('APP_SECRET', appSecret);
  }
  const sandboxEnabled = r.bool('SANDBOX_ENABLED');
  const frameAncestors = (r.string('FRAME_ANCESTORS') ?? "'self'").split(/\s+/).filter(Boolean);
  const bodyLimit = r.string('BODY_LIMIT') ?? '1mb';
  if (!/^\d+(b|kb|mb)$/i.test(bodyLimit)) {
    r.fail('BODY_LIMIT', bodyLimit);
  }
  const queuePrefix = r.string('QUEUE_PREFIX') ?? 'safenest';
  if (!/^[A-Za-z0-9_:-]+$/.test(queuePrefix)) {
    r.fail('QUEUE_PREFIX', queuePrefix);
  }
  const encryptionKeys = parseEncryptionKeys(r);

  const config: AppConfig = {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    appRoot,
    port,
    publicUrl,
    secureCookies: publicUrl.startsWith('https:'),
    dataDir,
    database: parseDatabase(r, dataDir, appRoot),
    redisUrl: parseUrl(r, 'REDIS_URL', ['redis:', 'rediss:']),
    queuePrefix,
    logLevel: r.oneOf('LOG_LEVEL', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    appSecret,
    encryptionKeys,
    smtpUrl: parseUrl(r, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: r.string('MAIL_FROM') ?? '',
    lti: { dynregAutoActivate: r.bool('LTI_DYNREG_AUTO_ACTIVATE') },
    sandboxEnabled,
    demoSeed: r.bool('DEMO_SEED'),
    http: {
      frameAncestors,
      trustProxy: r.int('TRUST_PROXY', 0, 10),
      keepAliveSeconds: r.int('HTTP_KEEP_ALIVE_SECONDS', 1, 3600),
      bodyLimit,
      rateLimitPerMinute: r.int('RATE_LIMIT_PER_MINUTE', 1),
    },
    sessionTtlHours: r.int('SESSION_TTL_HOURS', 1, 24 * 30),
    queue: {
      concurrency: r.int('WORKER_CONCURRENCY', 1, 256),
      sweepSeconds: r.int('QUEUE_SWEEP_SECONDS', 1, 3600),
      backoffMs: r.int('QUEUE_BACKOFF_MS', 1, 3_600_000),
    },
    metricsToken: r.string('METRICS_TOKEN'),
    curriculaDir: path.resolve(appRoot, r.string('CURRICULA_DIR') ?? 'curricula'),
    coverage: { suppressionThreshold: r.int('COVERAGE_SUPPRESSION_THRESHOLD', 1, 1000) },
    messaging: {
      smsGatewayUrl: parseUrl(r, 'SMS_GATEWAY_URL', ['http:', 'https:']),
      smsGatewayToken: r.string('SMS_GATEWAY_TOKEN'),
      smsWebhookSecret: r.string('SMS_WEBHOOK_SECRET'),
      zaloZnsUrl:
        parseUrl(r, 'ZALO_ZNS_URL', ['http:', 'https:']) ?? 'https://business.openapi.zalo.me',
      zaloAccessToken: r.string('ZALO_ACCESS_TOKEN'),
      zaloTemplateId: r.string('ZALO_TEMPLATE_ID'),
      smtpConnections: r.int('MESSAGING_SMTP_CONNECTIONS', 1, 64),
      batchSize: r.int('MESSAGING_BATCH_SIZE', 10, 5000),
      leaseSeconds: r.int('MESSAGING_LEASE_SECONDS', 2, 3600),
    },
    safeguarding: { retentionDays: r.int('SAFEGUARDING_RETENTION_DAYS', 1, 3650) },
  };

  if (config.isProduction) {
    if (appSecret === DEV_APP_SECRET) {
      r.problems.push(
        'APP_SECRET is the development default: refusing to start in production. Set a random value of at least 32 characters.',
      );
    }
    if ((env.ENCRYPTION_KEYS?.trim() || DEV_ENCRYPTION_KEYS) === DEV_ENCRYPTION_KEYS) {
      r.problems.push(
        'ENCRYPTION_KEYS is the development default: refusing to start in production. Set keyId:base64 keys of 32 bytes.',
      );
    }
    if (config.demoSeed) {
      r.problems.push(
        'DEMO_SEED=true: refusing to start in production; the demo accounts have published passwords.',
      );
    }
    if (sandboxEnabled) {
      r.problems.push(
        'SANDBOX_ENABLED=true: refusing to start in production; the sandbox LMS can sign launches for anyone.',
      );
    }
  }
  if (r.problems.length > 0) {
    throw new ConfigValidationError(r.problems);
  }
  return config;
}

/** The dialect, for column decorators evaluated when entity files load. */
export function databaseDialect(env: RawEnv = process.env): 'sqlite' | 'postgres' {
  return /^postgres(ql)?:\/\//.test(env.DATABASE_URL?.trim() ?? '') ? 'postgres' : 'sqlite';
}

/** Renders a value for logs: sensitive variables are masked. */
export function describeConfig(env: RawEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of VARIABLES) {
    const value = env[def.name];
    if (value !== undefined) {
      out[def.name] = def.sensitive ? '***' : value;
    }
  }
  return out;
}

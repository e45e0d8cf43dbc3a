/**
 * Every environment variable SafeNest reads, in one table: its meaning, its default and how
 * it is parsed. `.env.example` and the README's configuration table are generated from it
 * (`npm run cli -- config:docs`), so the documentation cannot drift from the code.
 */
export type NodeEnv = 'development' | 'test' | 'production';

export interface VariableDefinition {
  name: string;
  description: string;
  /** Default when unset; a function sees the other raw values and the environment kind. */
  default?: string | ((env: RawEnv, nodeEnv: NodeEnv) => string | undefined);
  /** Shown as `***` in logs and docs; never printed. */
  sensitive?: boolean;
  /** What a valid value looks like, used in the error message. */
  expects: string;
  example?: string;
}

export type RawEnv = Record<string, string | undefined>;

export const DEV_APP_SECRET = 'dev-only-insecure-app-secret-change-me-0000';
// 32 zero-ish bytes, base64: obviously not a secret; production refuses it.
export const DEV_ENCRYPTION_KEYS = 'dev1:ZGV2LW9ubHktaW5zZWN1cmUta2V5LTMyLWJ5dGVzISE=';

export const VARIABLES: VariableDefinition[] = [
  {
    name: 'NODE_ENV',
    description: 'Environment kind. `production` turns on the safety checks below.',
    default: 'development',
    expects: 'one of development, test, production',
  },
  {
    name: 'PORT',
    description: 'HTTP port of the tool.',
    default: '3000',
    expects: 'an integer port 1-65535',
  },
  {
    name: 'PUBLIC_URL',
    description:
      'The URL browsers and LMSs use to reach the tool (scheme, host, optional path; no trailing slash). LTI redirect URIs and e-mail links are built from it.',
    default: (env) => {
      // Derived from PORT only when PORT itself is valid, so one mistake gives one message.
      const port = Number(env.PORT);
      return `http://localhost:${Number.isInteger(port) && port >= 1 && port <= 65535 ? port : 3000}`;
    },
    expects: 'an absolute http(s) URL such as https://safenest.example.edu.vn',
    example: 'https://safenest.example.edu.vn',
  },
  {
    name: 'DATA_DIR',
    description: 'Folder for the embedded SQLite database and other local state.',
    default: './data',
    expects: 'a folder path',
  },
  {
    name: 'DATABASE_URL',
    description:
      'Database. Unset: SQLite at DATA_DIR/safenest.sqlite. `sqlite:PATH` or `sqlite::memory:` for SQLite, `postgres://user:pass@host:5432/db` for PostgreSQL (production).',
    expects: 'sqlite:PATH, sqlite::memory: or a postgres:// URL',
    example: 'postgres://safenest@127.0.0.1:5432/safenest',
    sensitive: true,
  },
  {
    name: 'REDIS_URL',
    description:
      'Redis for the Bull queue and shared rate limits. Unset: the inline queue runs jobs inside the tool process (development, demo, single small server).',
    expects: 'a redis:// or rediss:// URL',
    example: 'redis://127.0.0.1:6379/0',
    sensitive: true,
  },
  {
    name: 'QUEUE_PREFIX',
    description: 'Bull key prefix in Redis, so several SafeNest installations can share one Redis.',
    default: 'safenest',
    expects: 'letters, digits, dash, underscore or colon',
  },
  {
    name: 'LOG_LEVEL',
    description: 'Minimum log level of the JSON logs.',
    default: (_env, nodeEnv) => (nodeEnv === 'test' ? 'warn' : 'info'),
    expects: 'one of fatal, error, warn, info, debug, trace, silent',
  },
  {
    name: 'APP_SECRET',
    description:
      'Secret for signing sessions, CSRF tokens and blind indexes (at least 32 characters). Production refuses the development default.',
    default: DEV_APP_SECRET,
    sensitive: true,
    expects: 'a random string of at least 32 characters (e.g. `openssl rand -base64 48`)',
  },
  {
    name: 'ENCRYPTION_KEYS',
    description:
      'Keys for encrypting personal data at rest (AES-256-GCM), as comma-separated `keyId:base64key` pairs of 32 bytes each. The first key encrypts; all keys decrypt, so a new key is added in front to rotate.',
    default: DEV_ENCRYPTION_KEYS,
    sensitive: true,
    expects: 'comma-separated keyId:base64 pairs, each key 32 bytes (`openssl rand -base64 32`)',
    example: 'k2:<base64 32 bytes>,k1:<base64 32 bytes>',
  },
  {
    name: 'SMTP_URL',
    description:
      'SMTP server for e-mail (`smtp://user:pass@host:587`, `smtps://…`). Unset: e-mails are written to the log as ids only and not sent (development).',
    expects: 'an smtp:// or smtps:// URL',
    sensitive: true,
    example: 'smtp://mailer:secret@smtp.example.edu.vn:587',
  },
  {
    name: 'MAIL_FROM',
    description: 'Sender address of e-mails.',
    default: 'SafeNest <no-reply@safenest.local>',
    expects: 'an address such as "SafeNest <no-reply@example.edu.vn>"',
  },
  {
    name: 'LTI_DYNREG_AUTO_ACTIVATE',
    description:
      'Whether LMS platforms registered through LTI Dynamic Registration may launch at once (true) or wait for an admin to activate them (false).',
    default: (_env, nodeEnv) => (nodeEnv === 'production' ? 'false' : 'true'),
    expects: 'true or false',
  },
  {
    name: 'SANDBOX_ENABLED',
    description:
      'Serve the sandbox LMS at /sandbox (a test LTI platform for demos and tests). Refused in production.',
    default: (_env, nodeEnv) => (nodeEnv === 'production' ? 'false' : 'true'),
    expects: 'true or false',
  },
  {
    name: 'DEMO_SEED',
    description: 'Seed the demo organisations, accounts and classes at start-up (idempotent).',
    default: (_env, nodeEnv) => (nodeEnv === 'development' ? 'true' : 'false'),
    expects: 'true or false',
  },
  {
    name: 'FRAME_ANCESTORS',
    description:
      'Content-Security-Policy frame-ancestors: which sites may show the tool in an iframe (the LMSs). Space-separated sources.',
    default: (_env, nodeEnv) => (nodeEnv === 'production' ? "'self' https:" : "'self' *"),
    expects: "CSP sources such as 'self' https://moodle.example.edu.vn",
  },
  {
    name: 'TRUST_PROXY',
    description:
      'How many reverse proxies (load balancers) sit in front of the tool, so client IPs and HTTPS are read from X-Forwarded-* headers.',
    default: '0',
    expects: 'a whole number of proxy hops (0 = none)',
  },
  {
    name: 'HTTP_KEEP_ALIVE_SECONDS',
    description:
      'How long an idle keep-alive connection stays open. Keep it longer than the idle timeout of the proxy or load balancer in front (nginx and AWS ALB: 60 s), or it may send a request on a connection the tool is just closing and answer 502.',
    default: '65',
    expects: 'a whole number of seconds, 1 to 3600',
  },
  {
    name: 'BODY_LIMIT',
    description: 'Largest accepted request body (JSON and forms); imports have their own limit.',
    default: '1mb',
    expects: 'a size such as 512kb or 1mb',
  },
  {
    name: 'RATE_LIMIT_PER_MINUTE',
    description:
      'Requests per minute one client IP may make to public pages before getting 429. Schools share one IP behind NAT, so keep it generous.',
    default: '1200',
    expects: 'a positive integer',
  },
  {
    name: 'SESSION_TTL_HOURS',
    description: 'Lifetime of a local-account session.',
    default: '12',
    expects: 'a positive integer',
  },
  {
    name: 'WORKER_CONCURRENCY',
    description: 'Jobs a worker (or the inline queue) runs at once.',
    default: '4',
    expects: 'a positive integer',
  },
  {
    name: 'QUEUE_SWEEP_SECONDS',
    description:
      'How often pending jobs whose wake-up was lost (Redis flushed, worker killed) are re-enqueued.',
    default: '30',
    expects: 'a positive integer',
  },
  {
    name: 'QUEUE_BACKOFF_MS',
    description: 'First retry delay of a failed job; it doubles on every attempt (with jitter).',
    default: '2000',
    expects: 'a positive integer (milliseconds)',
  },
  {
    name: 'METRICS_TOKEN',
    description:
      'If set, /metrics requires `Authorization: Bearer <token>`. Leave unset when /metrics is reachable only from the monitoring network.',
    expects: 'any string',
    sensitive: true,
  },
  {
    name: 'COVERAGE_SUPPRESSION_THRESHOLD',
    description:
      'Counts of pupils below this number are hidden above school level (small-cell suppression), with complementary suppression so they cannot be recovered from totals.',
    default: '10',
    expects: 'an integer from 1 to 1000',
  },
  {
    name: 'CURRICULA_DIR',
    description: 'Folder of the lesson modules.',
    default: 'curricula',
    expects: 'a folder path (relative to the installation or absolute)',
  },
  {
    name: 'SAFEGUARDING_RETENTION_DAYS',
    description:
      'Days a closed concern report keeps its content; then what the reporter wrote and their contact are erased (counts and the audit trail stay).',
    default: '365',
    expects: 'an integer from 1 to 3650',
  },
  {
    name: 'SMS_GATEWAY_URL',
    description:
      'HTTP SMS gateway that sends parent messages (POST JSON `{ to, text, reference }`, bearer token). Unset: SMS is not offered to parents.',
    expects: 'an absolute http(s) URL',
    example: 'https://sms.example.vn/api/send',
  },
  {
    name: 'SMS_GATEWAY_TOKEN',
    description: 'Bearer token for SMS_GATEWAY_URL.',
    expects: 'any string',
    sensitive: true,
  },
  {
    name: 'SMS_WEBHOOK_SECRET',
    description:
      'Shared secret the SMS gateway sends (header `X-Webhook-Secret`) with inbound replies (STOP/START) and delivery reports to /messaging/webhooks/sms.',
    expects: 'a random string (e.g. `openssl rand -hex 24`)',
    sensitive: true,
  },
  {
    name: 'ZALO_ZNS_URL',
    description: 'Base URL of the Zalo ZNS (template message) API.',
    default: 'https://business.openapi.zalo.me',
    expects: 'an absolute http(s) URL',
  },
  {
    name: 'ZALO_ACCESS_TOKEN',
    description:
      'Zalo Official Account access token for ZNS template messages. Unset: Zalo is not offered to parents.',
    expects: 'any string',
    sensitive: true,
  },
  {
    name: 'ZALO_TEMPLATE_ID',
    description:
      'Approved ZNS template for school notices; it receives `school_name`, `title` and `link`.',
    expects: 'the template id given by Zalo',
  },
  {
    name: 'MESSAGING_SMTP_CONNECTIONS',
    description:
      'SMTP connections one worker keeps open for parent messages (broadcasts are sent over all of them at once).',
    default: '8',
    expects: 'an integer from 1 to 64',
  },
  {
    name: 'MESSAGING_BATCH_SIZE',
    description: 'Recipients per delivery job of a parent message.',
    default: '500',
    expects: 'an integer from 10 to 5000',
  },
  {
    name: 'MESSAGING_LEASE_SECONDS',
    description:
      'How long a worker holds a delivery batch without showing progress before another worker may take it over (after a crash).',
    default: '60',
    expects: 'an integer from 2 to 3600',
  },
];

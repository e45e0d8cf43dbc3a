import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { decodeHtml } from './lti-fixtures';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

/**
 * A real SMTP server on loopback that keeps what it receives, decoded. `failNext(n)` makes the
 * next n messages fail with a temporary 451 (the sender must retry).
 */
export async function smtpSink(): Promise<{
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Messages answered 451 so far. */
  refused: number;
  failNext(n: number): void;
  close(): Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  let failing = 0;
  const state = { refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        if (failing > 0) {
          failing--;
          state.refused++;
          cb(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
          return;
        }
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          ...decodeMail(raw),
          raw,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    get refused() {
      return state.refused;
    },
    failNext: (n: number) => {
      failing = n;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Subject and text of a single-part message (quoted-printable or base64), as a reader sees them. */
export function decodeMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string): string =>
    new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQp(body)
        : body;
  const subject = header('Subject').replace(
    /=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi,
    (_, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQp(data.replace(/_/g, ' ')),
  );
  return { subject, text };
}

function decodeQp(s: string): string {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(src[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Hidden fields of the first form posting to `action` (the concern pages quote with "). */
export function hiddenFields(html: string, action?: string): Record<string, string> {
  let scope = html;
  if (action) {
    const start = html.indexOf(`action="${action}`);
    scope = start >= 0 ? html.slice(start, html.indexOf('</form>', start)) : '';
  }
  const fields: Record<string, string> = {};
  for (const m of scope.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[m[1]] = decodeHtml(m[2]);
  }
  return fields;
}

/** Every row of every table, as text: to prove a value is nowhere in clear. */
export async function dumpDatabase(ds: DataSource): Promise<string> {
  const pg = ds.options.type === 'postgres';
  const tables: { name: string }[] = await ds.query(
    pg
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
      : "SELECT name FROM sqlite_master WHERE type = 'table'",
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows: unknown[] = await ds.query(`SELECT * FROM "${name}"`);
    parts.push(`${name}: ${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}

/** A GraphQL call with the session cookies of a signed-in user. */
export async function gql(
  base: string,
  cookies: string[],
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{
  data?: Record<string, unknown>;
  errors?: { extensions?: Record<string, unknown> }[];
}> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookies.join('; ') },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: Record<string, unknown>;
    errors?: { extensions?: Record<string, unknown> }[];
  };
}

/** Signs a TestBrowser in through the real login form. */
export async function signInBrowser(
  browser: {
    get(u: string): Promise<{ text: string }>;
    post(u: string, f: Record<string, string>): Promise<{ status: number }>;
  },
  email: string,
  password: string,
): Promise<void> {
  const page = await browser.get('/login');
  const res = await browser.post('/login', { ...hiddenFields(page.text), email, password });
  if (res.status !== 303) {
    throw new Error(`Sign-in failed with ${res.status}`);
  }
}

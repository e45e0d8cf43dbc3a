import { FieldEncryptionService } from '@lib/core';
import {
  ConsentEntity,
  ConsentService,
  ContactEntity,
  ParentEntity,
  ParentsService,
  StudentLinkEntity,
} from '@lib/messaging';
import { randomBytes, randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import type { TestTool } from './test-app';

export interface ReceivedMail {
  to: string[];
  raw: string;
  messageId: string;
  subject: string;
  /** The text/plain part, decoded. */
  text: string;
}

/** What a test needs of a real SMTP server on loopback. */
export interface SmtpSink {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Recipients (addresses) whose RCPT TO gets a 550. */
  reject: Set<string>;
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on 127.0.0.1: counts only messages received in full. */
export async function smtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const reject = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      if (reject.has(address.address.toLowerCase())) {
        const err = new Error('Mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        cb(err);
        return;
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw,
          messageId: header(raw, 'message-id'),
          subject: decodeWords(header(raw, 'subject')),
          text: textPart(raw),
        });
        cb();
      });
    },
  });
  // A client killed mid-session resets its connection; that is the point of some tests.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    reject,
    to: (address) => received.filter((m) => m.to.includes(address.toLowerCase())),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return m ? m[1].trim() : '';
}

function decodeWords(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

/** The decoded text/plain part (base64 or quoted-printable), or the whole body if single-part. */
function textPart(raw: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  const part = parts.find((p) => /content-type:\s*text\/plain/i.test(p)) ?? raw;
  const [head, ...rest] = part.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n').replace(/\r?\n--[^\r\n]*--\s*$/, '');
  if (/content-transfer-encoding:\s*base64/i.test(head)) {
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    return Buffer.from(
      body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  }
  return body;
}

/** The sign-in link in a magic-link e-mail. */
export function magicLinkIn(mail: ReceivedMail): string {
  const m = /(https?:\/\/\S+\/parents\/magic\?token=[A-Za-z0-9_%-]+)/.exec(mail.text);
  if (!m) {
    throw new Error(`no sign-in link in: ${mail.text.slice(0, 300)}`);
  }
  return m[1];
}

export const uniqueEmail = (tag = 'parent'): string =>
  `${tag}-${randomBytes(5).toString('hex')}@example.test`;

/**
 * A consenting, verified parent linked to `studentId` at `schoolId` (and `classId`), built
 * through the services (faster than the join pages, which another test drives for real).
 */
export async function makeParent(
  tool: TestTool,
  input: {
    schoolId: string;
    studentId?: string;
    classId?: string | null;
    email?: string;
    phone?: string;
    zalo?: string;
    channel?: 'email' | 'sms' | 'zalo' | 'inbox';
    lang?: 'vi' | 'en';
    consent?: ('messages' | 'progress')[];
  },
): Promise<{ parentId: string; studentId: string; email?: string }> {
  const parents = tool.get<ParentsService>(ParentsService);
  const consent = tool.get<ConsentService>(ConsentService);
  const actor = { type: 'system' as const, id: null };
  const studentId = input.studentId ?? randomUUID();
  const p = await parents.create(
    { lang: input.lang ?? 'vi', channel: input.channel ?? 'email' },
    actor,
  );
  for (const [kind, v] of [
    ['email', input.email],
    ['phone', input.phone],
    ['zalo', input.zalo],
  ] as const) {
    if (v) {
      await parents.setContact(p.id, kind, v, actor, { verified: true });
    }
  }
  await parents.link(
    {
      parentId: p.id,
      studentId,
      schoolOrgNodeId: input.schoolId,
      classId: input.classId ?? null,
      relation: 'guardian',
      source: 'import',
    },
    actor,
  );
  for (const purpose of input.consent ?? ['messages']) {
    await consent.grant(
      {
        parentId: p.id,
        studentId,
        purpose,
        via: 'web',
        lang: input.lang ?? 'vi',
        recordedBy: p.id,
      },
      actor,
    );
  }
  return { parentId: p.id, studentId, email: input.email };
}

/**
 * Many consenting, verified e-mail parents at a school, inserted in bulk (for the fault test
 * and the benchmark). Addresses are `<prefix>-<n>@bulk.test`.
 */
export async function seedBulkParents(
  ds: DataSource,
  parents: ParentsService,
  crypto: FieldEncryptionService,
  input: {
    schoolId: string;
    count: number;
    prefix: string;
    chunk?: number;
    domain?: string;
    /** The parent's language by position (default: all Vietnamese). */
    langOf?: (n: number) => 'vi' | 'en';
    textVersion?: string;
  },
): Promise<string[]> {
  const emails: string[] = [];
  const chunk = input.chunk ?? 200; // SQLite refuses larger multi-row inserts
  const domain = input.domain ?? 'bulk.test';
  for (let start = 0; start < input.count; start += chunk) {
    const n = Math.min(chunk, input.count - start);
    const rows = Array.from({ length: n }, (_, i) => {
      const email = `${input.prefix}-${start + i}@${domain}`;
      emails.push(email);
      return {
        parentId: randomUUID(),
        contactId: randomUUID(),
        studentId: randomUUID(),
        email,
        lang: input.langOf?.(start + i) ?? ('vi' as const),
      };
    });
    const now = new Date();
    await ds.transaction(async (m) => {
      await m.getRepository(ParentEntity).insert(
        rows.map((r) => ({
          id: r.parentId,
          nameEncrypted: null,
          lang: r.lang,
          mode: 'instant' as const,
          channel: 'email' as const,
          digestHour: 18,
          status: 'active' as const,
          erasedAt: null,
        })),
      );
      await m.getRepository(ContactEntity).insert(
        rows.map((r) => ({
          id: r.contactId,
          parentId: r.parentId,
          kind: 'email' as const,
          valueEncrypted: crypto.encrypt(r.email, r.contactId),
          valueIndex: parents.indexOf('email', r.email),
          status: 'active' as const,
          statusReason: null,
          statusAt: null,
          verifiedAt: now,
        })),
      );
      await m.getRepository(StudentLinkEntity).insert(
        rows.map((r) => ({
          id: randomUUID(),
          parentId: r.parentId,
          studentId: r.studentId,
          schoolOrgNodeId: input.schoolId,
          classId: null,
          relation: 'guardian' as const,
          source: 'import' as const,
        })),
      );
      await m.getRepository(ConsentEntity).insert(
        rows.map((r) => ({
          id: randomUUID(),
          parentId: r.parentId,
          studentId: r.studentId,
          purpose: 'messages' as const,
          textVersion: input.textVersion ?? 'test',
          textLang: 'vi' as const,
          grantedVia: 'school_import' as const,
          recordedBy: null,
          grantedAt: now,
          withdrawnAt: null,
        })),
      );
    });
  }
  return emails;
}

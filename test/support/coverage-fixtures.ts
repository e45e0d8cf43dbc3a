import { Role } from '@lib/core';
import { OrgNodeEntity, OrgsService, OrgType, SchoolLevel } from '@lib/orgs';
import { createAccount, createTenant, signIn, Tenant } from './fixtures';
import type { TestTool } from './test-app';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CoverageTenant extends Tenant {
  facility: OrgNodeEntity;
  highSchool: OrgNodeEntity;
  commune2: OrgNodeEntity;
}

/** The foundation tenant plus a facility, an upper-secondary school under the province and a second commune. */
export async function createCoverageTenant(tool: TestTool): Promise<CoverageTenant> {
  const t = await createTenant(tool);
  const orgs = tool.get<OrgsService>(OrgsService);
  const facility = await orgs.create({
    code: `F-${t.suffix}`,
    name: `Facility ${t.suffix}`,
    type: OrgType.FACILITY,
    parentCode: t.commune.code,
  });
  const highSchool = await orgs.create({
    code: `HS-${t.suffix}`,
    name: `High school ${t.suffix}`,
    type: OrgType.SCHOOL,
    parentCode: t.province.code,
    levels: [SchoolLevel.UPPER_SECONDARY],
  });
  const commune2 = await orgs.create({
    code: `C2-${t.suffix}`,
    name: `Commune two ${t.suffix}`,
    type: OrgType.COMMUNE,
    parentCode: t.province.code,
  });
  return { ...t, facility, highSchool, commune2 };
}

/** A signed-in account holding `role` at a node: its id and cookies. */
export async function signedIn(
  tool: TestTool,
  role: Role,
  orgNodeId: string,
): Promise<{ id: string; email: string; cookies: string[] }> {
  const a = await createAccount(tool, role, orgNodeId);
  return { id: a.id, email: a.email, cookies: await signIn(tool, a.email) };
}

export interface SmtpSink {
  url: string;
  /** Every message accepted: envelope recipients and the raw message. */
  received: { to: string[]; raw: string }[];
  /** Recipients answered with 550 (add to it at any time). */
  rejects: Set<string>;
  close(): Promise<void>;
}

/** A real SMTP server on loopback, for the reminder e-mails sent through the core MailService. */
export async function smtpSink(): Promise<SmtpSink> {
  const received: SmtpSink['received'] = [];
  const rejects = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (rejects.has(address.address)) {
        const err = new Error('Mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejects,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** GETs a binary download (XLSX, PDF) as a Buffer. */
export async function download(
  tool: TestTool,
  cookies: string[],
  path: string,
  status = 200,
): Promise<{ body: Buffer; headers: Record<string, string> }> {
  const res = await tool.http
    .get(path)
    .set('Cookie', cookies)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    })
    .expect(status);
  return { body: res.body as Buffer, headers: res.headers };
}

/** Runs a GraphQL operation with the session cookies (and the CSRF-prevention header). */
export async function gql<T = Record<string, unknown>>(
  tool: TestTool,
  cookies: string[],
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await tool.http
    .post('/graphql')
    .set('Cookie', cookies)
    .set('Content-Type', 'application/json')
    .set('apollo-require-preflight', 'true')
    .send({ query, variables });
  return res.body;
}

/** The `_csrf` value of a page's form. */
export async function csrfOf(tool: TestTool, cookies: string[], path: string): Promise<string> {
  const page = await tool.http.get(path).set('Cookie', cookies).expect(200);
  // Any signed-in page's form carries the same token (it signs the browser's CSRF cookie).
  const token = /name=['"]_csrf['"] value=['"]([^'"]+)['"]/.exec(page.text)?.[1];
  if (!token) {
    throw new Error(`No CSRF token on ${path}`);
  }
  return token;
}

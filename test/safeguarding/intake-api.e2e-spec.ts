import { AuthService, parseCliArgs, Role } from '@lib/core';
import {
  ConcernReportEntity,
  ConcernReportsService,
  ConcernState,
  INTAKE_REPORTS_PER_MINUTE,
  IntakeKeyCreateCommand,
  IntakeKeyRevokeCommand,
} from '@lib/safeguarding';
import { randomBytes } from 'node:crypto';
import { createAccount, createTenant, Tenant } from '../support/fixtures';
import { startTool, TestTool } from '../support/test-app';

const PATH = '/api/safeguarding/v1/reports';

/** The intake API for online services, as a service's developer would try it. */
describe('Safeguarding intake API', () => {
  let tool: TestTool;
  let tenant: Tenant;
  let key: string;
  let keyId: string;

  const issue = async (org: string): Promise<{ id: string; key: string }> => {
    const lines: string[] = [];
    const code = await tool
      .get<IntakeKeyCreateCommand>(IntakeKeyCreateCommand)
      .run(parseCliArgs(['--name', 'SafeChat Moderation', '--org', org]), (l) => lines.push(l));
    expect(code).toBe(0);
    return {
      id: /Key ([0-9a-f-]{36}) issued/.exec(lines[0])![1],
      key: lines.find((l) => l.startsWith('sgk_'))!,
    };
  };
  const body = (over: Record<string, unknown> = {}) => ({
    reportId: `sc-${randomBytes(4).toString('hex')}`,
    schoolCode: tenant.school.code,
    category: 'contact',
    imminentDanger: false,
    description: 'An adult account asked a pupil for photos in a game chat.',
    contentUrl: 'https://game.example/chat/123',
    platform: 'GameChat',
    pupilReference: 'gc-user-42',
    language: 'en',
    ...over,
  });
  const send = (b: unknown, k: string | null = key) => {
    const req = tool.http.post(PATH).set('Accept', 'application/json');
    return (k ? req.set('Authorization', `Bearer ${k}`) : req).send(b as object);
  };

  beforeAll(async () => {
    tool = await startTool();
    tenant = await createTenant(tool);
    await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.school.id);
    ({ id: keyId, key } = await issue(tenant.province.code));
  });
  afterAll(() => tool.close());

  it('files a report with a key issued by the CLI (stored hashed), and a replay is idempotent', async () => {
    const stored = await tool.dataSource.query('SELECT * FROM safeguarding_intake_key');
    expect(JSON.stringify(stored)).not.toContain(key.split('_')[2]);

    const b = body();
    const first = await send(b).expect(201);
    expect(first.body).toMatchObject({ status: 'received', duplicate: false });
    const again = await send(b).expect(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    const row = await tool.dataSource
      .getRepository(ConcernReportEntity)
      .findOneByOrFail({ id: first.body.id });
    expect(row).toMatchObject({
      source: 'service',
      intakeKeyId: keyId,
      schoolOrgNodeId: tenant.school.id,
      contactMethod: 'none',
    });
    const conflict = await send({ ...b, description: 'Something else' }).expect(409);
    expect(conflict.body.error.code).toBe('SG_IDEMPOTENCY_CONFLICT');
  });

  it('answers schema violations with 400 and the path of each problem', async () => {
    const res = await send({
      ...body({ category: 'spam', contentUrl: 'javascript:alert(1)', extra: 1 }),
      description: 'x'.repeat(4001),
    }).expect(400);
    expect(res.body.error.code).toBe('SG_INVALID_REPORT');
    const paths = (res.body.error.details.problems as { path: string }[]).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/extra', '/category', '/description']));
    const js = await send(body({ contentUrl: 'javascript:alert(1)' })).expect(400);
    expect(js.body.error.details.problems).toEqual([
      { path: '/contentUrl', message: 'must be an http(s) URL' },
    ]);
    const missing = await send({ reportId: 'x' }).expect(400);
    expect(missing.body.error.details.problems.map((p: { message: string }) => p.message)).toEqual(
      expect.arrayContaining(["must have required property 'schoolCode'"]),
    );
  });

  it('refuses missing, wrong and revoked keys with 401, and other bodies with 413/415', async () => {
    expect((await send(body(), null).expect(401)).body.error.code).toBe('SG_API_KEY_INVALID');
    await send(body(), `${key.slice(0, -4)}AAAA`).expect(401);
    const spare = await issue(tenant.province.code);
    await send(body(), spare.key).expect(201);
    const out: string[] = [];
    await tool
      .get<IntakeKeyRevokeCommand>(IntakeKeyRevokeCommand)
      .run(parseCliArgs(['--id', spare.id]), (l) => out.push(l));
    expect(out[0]).toContain('revoked');
    await send(body(), spare.key).expect(401);

    const big = await send(body({ description: 'y'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const text = await tool.http
      .post(PATH)
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('SG_UNSUPPORTED_MEDIA');
  });

  it('keeps a key to the schools under its scope', async () => {
    const unknown = await send(body({ schoolCode: 'NO-SUCH-SCHOOL' })).expect(404);
    expect(unknown.body.error.code).toBe('SG_SCHOOL_NOT_FOUND');
    const outside = await send(body({ schoolCode: tenant.otherSchool.code })).expect(403);
    expect(outside.body.error.code).toBe('SG_API_SCOPE');
  });

  it('limits each key to 60 reports a minute, with Retry-After, without touching other keys', async () => {
    const flood = await issue(tenant.province.code);
    const statuses: number[] = [];
    for (let i = 0; i < INTAKE_REPORTS_PER_MINUTE; i++) {
      statuses.push((await send({ reportId: `f${i}` }, flood.key)).status);
    }
    expect(new Set(statuses)).toEqual(new Set([400]));
    const limited = await send(body(), flood.key).expect(429);
    expect(limited.body.error.code).toBe('SG_API_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await send(body(), key).expect(201);
  });

  it('answers a replay of an erased report as a duplicate, with nothing of its body kept', async () => {
    const b = body();
    const first = await send(b).expect(201);
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.school.id);
    const auth = tool.get<AuthService>(AuthService);
    const principal = await auth.principalOf((await auth.findByEmail(lead.email))!);
    const reports = tool.get<ConcernReportsService>(ConcernReportsService);
    await reports.transition(principal, first.body.id, { to: ConcernState.CLOSED });
    await reports.eraseOnRequest(principal, first.body.id);
    const row = await tool.dataSource
      .getRepository(ConcernReportEntity)
      .findOneByOrFail({ id: first.body.id });
    expect(row).toMatchObject({ requestIndex: null, detailsEncrypted: null });
    const again = await send(b).expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, duplicate: true });
  });
});

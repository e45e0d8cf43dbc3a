import { LaunchService } from '@lib/lti';
import {
  LtiContextEntity,
  LtiEnrolmentEntity,
  LtiResourceLinkEntity,
  LtiUserEntity,
} from '../../libs/lti/src/entities/lti.entities';
import { createTenant, Tenant } from '../support/fixtures';
import {
  bindSandbox,
  decodeHtml,
  launch,
  ltOf,
  sandboxClass,
  startLtiTool,
  TestBrowser,
} from '../support/lti-fixtures';

type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;

describe('LTI: registration and launches through the sandbox LMS', () => {
  let tool: LtiTool;
  let tenant: Tenant;

  beforeAll(async () => {
    tool = await startLtiTool();
    tenant = await createTenant(tool);
    await bindSandbox(tool, tenant.province.code);
  });
  afterAll(() => tool.close());

  it('registered the sandbox by Dynamic Registration at start-up, active, with its deployment', async () => {
    const sbTool = (await tool.sandbox.currentTool())!;
    const [platform] = await tool.platforms.byIssuer(tool.sandbox.issuer, sbTool.clientId);
    expect(platform).toMatchObject({ registeredVia: 'sandbox', active: true });
    expect(platform.authConfig).toEqual({ method: 'JWK_SET', key: `${tool.sandbox.issuer}/jwks` });
    const deployments = await tool.platforms.deploymentsOf(platform.id);
    expect(deployments.map((d) => d.deploymentId)).toEqual([sbTool.deploymentId]);
    // Registering again (a restart) changes nothing.
    await tool.sandbox.registerWithTool();
    expect(await tool.platforms.byIssuer(tool.sandbox.issuer)).toHaveLength(1);
  });

  it("publishes the tool's keys at /lti/keys through ltijs", async () => {
    const res = await tool.http.get('/lti/keys').expect(200);
    const platform = (await tool.platforms.byIssuer(tool.sandbox.issuer))[0];
    expect(res.body.keys.map((k: { kid: string }) => k.kid)).toContain(platform.kid);
    expect(res.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain('frame-ancestors');
  });

  it('sends a learner to the lesson player of the linked module, in a class of the right school', async () => {
    const { cls, students } = await sandboxClass(tool, tenant.school.code);
    const link = await tool.sandbox.addLink(cls.id, 'Safe chat', 'up-online-friends', 10);
    const browser = new TestBrowser(tool.url);
    const res = await launch(browser, {
      classId: cls.id,
      userId: students[0].id,
      linkId: link.id,
      locale: 'en',
    });
    // The launch post answers with the lesson's first page, naming its own address (ADR 0107),
    // which the page's script puts in the address bar so a reload asks for the page.
    expect(res.status).toBe(200);
    expect(res.location).toMatch(/^\/play\/up-online-friends\?lt=/);
    expect(decodeHtml(res.text)).toContain(`<meta name="sn-url" content="${res.location}">`);
    const page = await browser.get(res.location!);
    expect(page.status).toBe(200);
    const heading = (html: string): string => /<h1[^>]*>([^<]*)</.exec(html)?.[1] ?? '';
    expect(heading(page.text)).not.toBe('');
    expect(heading(res.text)).toBe(heading(page.text));
    const ctx = await tool.get<LaunchService>(LaunchService).resolve(ltOf(res.location));
    expect(ctx).toMatchObject({
      roles: { learner: true, instructor: false, admin: false },
      schoolOrgNodeId: tenant.school.id,
      contextTitle: cls.title,
      resourceLinkId: link.id,
      moduleId: 'up-online-friends',
      locale: 'en',
      displayName: students[0].name,
      platformName: 'SafeNest sandbox LMS',
      gradable: true,
    });
    // Pseudonymous: no e-mail anywhere although the platform sent one.
    const users = await tool.dataSource.query(
      'SELECT * FROM lti_user WHERE id = $1'.replace('$1', usesPg() ? '$1' : '?'),
      [ctx.userId],
    );
    expect(JSON.stringify(users)).not.toContain('@');
  });

  it('a relaunch reuses the user, class, enrolment and link rows and takes what the LMS changed', async () => {
    const { cls, students } = await sandboxClass(tool, tenant.school.code);
    const link = await tool.sandbox.addLink(cls.id, 'Passwords', 'us-account-security', 10);
    const who = { classId: cls.id, userId: students[1].id, linkId: link.id };
    const first = await tool
      .get<LaunchService>(LaunchService)
      .resolve(ltOf((await launch(new TestBrowser(tool.url), who)).location));
    const ds = tool.dataSource;
    // What the tool knew goes stale (a renamed pupil, class and link, a re-pointed module).
    await ds.getRepository(LtiUserEntity).update({ id: first.userId }, { displayName: 'Old name' });
    await ds
      .getRepository(LtiContextEntity)
      .update({ id: first.contextId! }, { title: 'Old title', label: 'OLD' });
    await ds
      .getRepository(LtiResourceLinkEntity)
      .update(
        { contextRowId: first.contextId!, resourceLinkId: link.id },
        { title: 'Old link', moduleId: 'ep-kind-online' },
      );

    const again = await launch(new TestBrowser(tool.url), who);
    expect(again.location).toMatch(/^\/play\/us-account-security\?lt=/);
    const second = await tool.get<LaunchService>(LaunchService).resolve(ltOf(again.location));
    expect(second.launchId).not.toBe(first.launchId);
    expect(second).toMatchObject({
      userId: first.userId,
      contextId: first.contextId,
      displayName: students[1].name,
      contextTitle: cls.title,
      moduleId: 'us-account-security',
    });
    const user = await ds.getRepository(LtiUserEntity).findOneByOrFail({ id: first.userId });
    expect(user.displayName).toBe(students[1].name);
    expect(
      await ds.getRepository(LtiUserEntity).countBy({ platformId: user.platformId, sub: user.sub }),
    ).toBe(1);
    const context = await ds
      .getRepository(LtiContextEntity)
      .findOneByOrFail({ id: first.contextId! });
    expect(context.title).toBe(cls.title);
    expect(context.label).not.toBe('OLD');
    expect(
      await ds
        .getRepository(LtiEnrolmentEntity)
        .countBy({ contextRowId: first.contextId!, userId: first.userId }),
    ).toBe(1);
    const links = await ds
      .getRepository(LtiResourceLinkEntity)
      .findBy({ contextRowId: first.contextId!, resourceLinkId: link.id });
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ title: 'Passwords', moduleId: 'us-account-security' });
  });

  it('sends a teacher to the class dashboard and a school admin to the school dashboard', async () => {
    const { cls, teacher, admin } = await sandboxClass(tool, tenant.school.code);
    const link = await tool.sandbox.addLink(cls.id, 'Lesson', 'up-online-friends', 10);
    const asTeacher = await launch(new TestBrowser(tool.url), {
      classId: cls.id,
      userId: teacher.id,
      linkId: link.id,
    });
    expect(asTeacher.status).toBe(303);
    expect(asTeacher.location).toMatch(/^\/teach\/class\?lt=/);
    const asAdmin = await launch(new TestBrowser(tool.url), {
      classId: cls.id,
      userId: admin.id,
      linkId: link.id,
    });
    expect(asAdmin.status).toBe(303);
    expect(asAdmin.location).toMatch(/^\/teach\/school\?lt=/);
    const ctx = await tool.get<LaunchService>(LaunchService).resolve(ltOf(asAdmin.location));
    expect(ctx.roles).toEqual({ learner: false, instructor: false, admin: true });
  });

  it('keeps two tabs of two courses apart: each launch has its own token and context', async () => {
    const a = await sandboxClass(tool, tenant.school.code);
    const b = await sandboxClass(tool, tenant.school.code);
    const la = await tool.sandbox.addLink(a.cls.id, 'A', 'up-online-friends', 10);
    const lb = await tool.sandbox.addLink(b.cls.id, 'B', 'up-online-friends', 10);
    const browser = new TestBrowser(tool.url); // one browser, two tabs
    const ra = await launch(browser, { classId: a.cls.id, userId: a.teacher.id, linkId: la.id });
    const rb = await launch(browser, { classId: b.cls.id, userId: b.teacher.id, linkId: lb.id });
    const launches = tool.get<LaunchService>(LaunchService);
    expect((await launches.resolve(ltOf(ra.location))).contextTitle).toBe(a.cls.title);
    expect((await launches.resolve(ltOf(rb.location))).contextTitle).toBe(b.cls.title);
  });

  it('puts classes of an unbound deployment in the unassigned bucket until an admin binds it', async () => {
    await bindSandbox(tool, null);
    try {
      const { cls, students } = await sandboxClass(tool, tenant.school.code);
      const link = await tool.sandbox.addLink(cls.id, 'L', 'up-online-friends', 10);
      const res = await launch(new TestBrowser(tool.url), {
        classId: cls.id,
        userId: students[0].id,
        linkId: link.id,
      });
      expect(res.status).toBe(200);
      const ctx = await tool.get<LaunchService>(LaunchService).resolve(ltOf(res.location));
      expect(ctx.schoolOrgNodeId).toBeNull();
      expect(await tool.platforms.unassignedContextCount()).toBeGreaterThan(0);
    } finally {
      await bindSandbox(tool, tenant.province.code);
    }
  });

  it('refuses pages without a valid launch token with a translated 401 page', async () => {
    const missing = await tool.http.get('/lti/deeplink?lang=en').set('Accept', 'text/html');
    expect(missing.status).toBe(401);
    expect(missing.text).toContain('This page opens only from the school&#x27;s LMS.');
    const forged = await tool.http.get('/lti/deeplink?lt=abc.def').set('Accept-Language', 'vi');
    expect(forged.status).toBe(401);
    expect(forged.text).toContain('LAUNCH_TOKEN_INVALID');
  });

  it('explains a learner launch of a link that carries no module', async () => {
    const { cls, students } = await sandboxClass(tool, tenant.school.code);
    const link = await tool.sandbox.addLink(cls.id, 'Hand-made link');
    const res = await launch(new TestBrowser(tool.url), {
      classId: cls.id,
      userId: students[0].id,
      linkId: link.id,
      locale: 'vi',
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain('LINK_WITHOUT_MODULE');
    expect(res.text).toContain('Hoạt động này chưa được gắn với bài học nào của SafeNest.');
  });
});

function usesPg(): boolean {
  return /^postgres/.test(process.env.DATABASE_URL ?? '');
}

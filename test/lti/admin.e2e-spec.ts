import { Role } from '@lib/core';
import { createAccount, createTenant, signIn, Tenant } from '../support/fixtures';
import { bindSandbox, startLtiTool } from '../support/lti-fixtures';

type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;

describe('LTI registrations admin page', () => {
  let tool: LtiTool;
  let tenant: Tenant;

  beforeAll(async () => {
    tool = await startLtiTool();
    tenant = await createTenant(tool);
  });
  afterAll(() => tool.close());

  async function form(cookies: string[]) {
    const page = await tool.http.get('/lti/admin?lang=en').set('Cookie', cookies).expect(200);
    const csrf = /name='_csrf' value='([^']+)'/.exec(page.text)![1];
    return { page, csrf };
  }

  it('lets a system admin see registrations, the unassigned bucket, and bind a deployment to a school', async () => {
    await bindSandbox(tool, null);
    const { email } = await createAccount(tool, Role.SYSTEM_ADMIN, tenant.ministry.id);
    const cookies = await signIn(tool, email);
    const { page, csrf } = await form(cookies);
    expect(page.text).toContain('SafeNest sandbox LMS');
    expect(page.text).toContain('Unassigned (waiting)');
    const sbTool = (await tool.sandbox.currentTool())!;
    const [platform] = await tool.platforms.byIssuer(tool.sandbox.issuer, sbTool.clientId);
    await tool.http
      .post(`/lti/admin/platforms/${platform.id}/deployments/bind`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf, deploymentId: sbTool.deploymentId, orgCode: tenant.school.code })
      .expect(303);
    const [deployment] = await tool.platforms.deploymentsOf(platform.id);
    expect(deployment.orgNodeId).toBe(tenant.school.id);
  });

  it('refuses a school admin binding a deployment to another school, and platform activation', async () => {
    const { email } = await createAccount(tool, Role.SCHOOL_ADMIN, tenant.school.id);
    const cookies = await signIn(tool, email);
    const { csrf } = await form(cookies);
    const sbTool = (await tool.sandbox.currentTool())!;
    const [platform] = await tool.platforms.byIssuer(tool.sandbox.issuer, sbTool.clientId);
    await tool.http
      .post(`/lti/admin/platforms/${platform.id}/deployments/bind`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf, deploymentId: sbTool.deploymentId, orgCode: tenant.otherSchool.code })
      .expect(403);
    await tool.http
      .post(`/lti/admin/platforms/${platform.id}/active`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf, active: 'false' })
      .expect(403);
    expect((await tool.platforms.get(platform.id)).active).toBe(true);
    await tool.http.get('/lti/admin').expect(401);
  });

  it('lets a system admin register an LMS by hand (400 naming the wrong fields) and rotate its key', async () => {
    const { email } = await createAccount(tool, Role.SYSTEM_ADMIN, tenant.ministry.id);
    const cookies = await signIn(tool, email);
    const { page, csrf } = await form(cookies);
    expect(page.text).toContain('Register an LMS by hand');
    const issuer = 'https://moodle.example.edu';
    const fields = {
      _csrf: csrf,
      name: 'Moodle of the district',
      issuer,
      clientId: 'AbC123',
      authUrl: `${issuer}/mod/lti/auth.php`,
      tokenUrl: `${issuer}/mod/lti/token.php`,
      jwksUrl: 'not a url',
      deploymentIds: '7, 8',
    };
    const bad = await tool.http
      .post('/lti/admin/platforms?lang=en')
      .set('Cookie', cookies)
      .type('form')
      .send(fields)
      .expect(400);
    expect(bad.text).toContain('Not registered: JWKS URL');
    expect(bad.text).toContain("value='Moodle of the district'"); // the form keeps what was typed
    expect(await tool.platforms.byIssuer(issuer)).toHaveLength(0);
    await tool.http
      .post('/lti/admin/platforms')
      .set('Cookie', cookies)
      .type('form')
      .send({ ...fields, jwksUrl: `${issuer}/mod/lti/certs.php` })
      .expect(303)
      .expect('Location', '/lti/admin?added=1');
    tool.platforms.invalidate();
    const [added] = await tool.platforms.byIssuer(issuer, 'AbC123');
    expect(added).toMatchObject({ name: 'Moodle of the district', active: true });
    expect((await tool.platforms.deploymentsOf(added.id)).map((d) => d.deploymentId)).toEqual([
      '7',
      '8',
    ]);

    const rotated = await tool.http
      .post(`/lti/admin/platforms/${added.id}/rotate`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    const after = await tool.platforms.get(added.id);
    expect(after.kid).not.toBe(added.kid);
    const shown = await tool.http.get(rotated.headers.location + '&lang=en').set('Cookie', cookies);
    expect(shown.text).toContain(`The old key ${added.kid} stays published until`);
    const kids = (await tool.http.get('/lti/keys')).body.keys.map((k: { kid: string }) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([added.kid, after.kid]));
  });

  it('refuses key rotation and manual registration to a school admin', async () => {
    const { email } = await createAccount(tool, Role.SCHOOL_ADMIN, tenant.school.id);
    const cookies = await signIn(tool, email);
    const { page, csrf } = await form(cookies);
    expect(page.text).not.toContain('Register an LMS by hand');
    const sbTool = (await tool.sandbox.currentTool())!;
    const [platform] = await tool.platforms.byIssuer(tool.sandbox.issuer, sbTool.clientId);
    await tool.http
      .post(`/lti/admin/platforms/${platform.id}/rotate`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf })
      .expect(403);
    await tool.http
      .post('/lti/admin/platforms')
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf, name: 'x' })
      .expect(403);
    expect((await tool.platforms.get(platform.id)).kid).toBe(platform.kid);
  });
});

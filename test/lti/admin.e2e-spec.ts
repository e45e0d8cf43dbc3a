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
});

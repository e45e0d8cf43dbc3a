import { Role } from '@lib/core';
import { createAccount, createTenant, signIn, Tenant, TEST_PASSWORD } from '../support/fixtures';
import { startTool, TestTool } from '../support/test-app';

describe('Foundation: the tool as a browser and an operator see it', () => {
  let tool: TestTool;
  let tenant: Tenant;

  beforeAll(async () => {
    tool = await startTool();
    tenant = await createTenant(tool);
  });
  afterAll(() => tool.close());

  it('is live and ready, naming its database and queue', async () => {
    await tool.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await tool.http.get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.checks.database).toEqual({ ok: true, type: tool.config.database.type });
    expect(ready.body.checks.queue.ok).toBe(true);
  });

  it('serves the landing page in Vietnamese by default and English on request', async () => {
    const vi = await tool.http.get('/').set('Accept', 'text/html').expect(200);
    expect(vi.text).toContain('<html lang="vi">');
    expect(vi.text).toContain('An toàn trên mạng cho mọi học sinh');
    expect(vi.text).toContain('111');
    const en = await tool.http.get('/?lang=en').expect(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Online safety for every pupil');
    const accept = await tool.http.get('/').set('Accept-Language', 'en-US,en;q=0.9').expect(200);
    expect(accept.text).toContain('<html lang="en">');
  });

  it('sends security headers that still let an LMS frame the tool', async () => {
    const res = await tool.http.get('/').expect(200);
    expect(res.headers['content-security-policy']).toContain('frame-ancestors');
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('keeps idle connections open longer than a proxy in front would (HTTP_KEEP_ALIVE_SECONDS)', () => {
    const server = tool.app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
    expect(server.keepAliveTimeout).toBe(tool.config.http.keepAliveSeconds * 1000);
    expect(tool.config.http.keepAliveSeconds).toBeGreaterThan(60);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });

  it('echoes a safe correlation id and replaces an unsafe one', async () => {
    const ok = await tool.http.get('/health/live').set('X-Request-Id', 'abc-123');
    expect(ok.headers['x-request-id']).toBe('abc-123');
    const bad = await tool.http.get('/health/live').set('X-Request-Id', '<script>');
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown pages with a translated HTML page for browsers and JSON for APIs', async () => {
    const html = await tool.http
      .get('/no-such-page?lang=en')
      .set('Accept', 'text/html')
      .expect(404);
    expect(html.text).toContain('The page or data you asked for was not found.');
    const json = await tool.http.get('/no-such-page').set('Accept', 'application/json').expect(404);
    expect(json.body.error.code).toBe('NOT_FOUND');
    expect(json.body.correlationId).toBeTruthy();
  });

  it('refuses bodies over the size limit with 413 and a clear code', async () => {
    const res = await tool.http
      .post('/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('signs an official in through the form and shows their roles', async () => {
    const { email } = await createAccount(tool, Role.OFFICIAL, tenant.province.id);
    const cookies = await signIn(tool, email);
    const account = await tool.http.get('/account').set('Cookie', cookies).expect(200);
    expect(account.text).toContain(`Cán bộ quản lý · ${tenant.province.name}`);
  });

  it("lands a signed-in account on a home with its role's pages, in the language it signed in with", async () => {
    const page = await tool.http.get('/login?lang=en');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const cookie = ([] as string[]).concat(page.headers['set-cookie']).map((c) => c.split(';')[0]);
    const official = await createAccount(tool, Role.OFFICIAL, tenant.province.id);
    const res = await tool.http
      .post('/login?lang=en')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, email: official.email, password: TEST_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account?lang=en');

    const home = async (role: Role, node: string): Promise<string> => {
      const { email } = await createAccount(tool, role, node);
      const cookies = await signIn(tool, email);
      return (await tool.http.get('/account?lang=en').set('Cookie', cookies).expect(200)).text;
    };
    const links = (html: string): string[] =>
      [...html.matchAll(/<li><a href="([^"?]+)\?lang/g)].map((m) => m[1]);
    const asOfficial = await home(Role.OFFICIAL, tenant.province.id);
    expect(links(asOfficial)).toEqual([
      '/coverage',
      '/safeguarding/indicators',
      '/coverage/orgs/import',
    ]);
    expect(asOfficial).toContain(`Official · ${tenant.province.name}`);
    const asSchool = await home(Role.SCHOOL_ADMIN, tenant.school.id);
    expect(links(asSchool)).toEqual(['/coverage', '/messaging/admin', '/safeguarding/indicators']);
    expect(asSchool).toContain(`School admin · ${tenant.school.name}`);
    expect(links(await home(Role.SAFEGUARDING_LEAD, tenant.school.id))).toEqual(['/safeguarding']);
    // Signed out, the account page says so and offers the sign-in, which comes back to it; the
    // landing page offers the account instead of the sign-in once signed in.
    const out = await tool.http.get('/account?lang=en').set('Accept', 'text/html').expect(401);
    expect(out.text).toContain('href="/login?lang&#x3D;en&amp;next&#x3D;%2Faccount%3Flang%3Den"');
    const back = await tool.http.post('/login?lang=en').set('Cookie', cookie).type('form').send({
      _csrf: csrf,
      email: official.email,
      password: TEST_PASSWORD,
      next: '/account?lang=en',
    });
    expect(back.headers.location).toBe('/account?lang=en');
    const session = ([] as string[]).concat(res.headers['set-cookie']).map((c) => c.split(';')[0]);
    expect((await tool.http.get('/?lang=en').set('Cookie', session)).text).toContain(
      'href="/account?lang=en">Go to your account</a>',
    );
    expect((await tool.http.get('/?lang=en')).text).toContain('Sign in as an official');
    const { email } = await createAccount(tool, Role.SCHOOL_ADMIN, tenant.school.id);
    const cookies = await signIn(tool, email);
    // Every link opens for that account, and every page leads back to the account.
    const accountLink = '<a class="account-link" href="/account?lang=en">Account</a>';
    for (const href of links(asSchool)) {
      const res = await tool.http.get(`${href}?lang=en`).set('Cookie', cookies).redirects(1);
      expect([href, res.status]).toEqual([href, 200]);
      expect([href, res.text.includes(accountLink)]).toEqual([href, true]);
    }
    // Not on pages seen signed out.
    expect((await tool.http.get('/?lang=en')).text).not.toContain('account-link');
    expect((await tool.http.get('/login?lang=en')).text).not.toContain('account-link');
  });

  it('rejects a wrong password with 401 on the form, and a forged form with 403', async () => {
    const { email } = await createAccount(tool, Role.OFFICIAL, tenant.province.id);
    const page = await tool.http.get('/login?lang=en');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const cookie = ([] as string[]).concat(page.headers['set-cookie']).map((c) => c.split(';')[0]);
    const wrong = await tool.http
      .post('/login?lang=en')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, email, password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Wrong e-mail or password.');
    const forged = await tool.http.post('/login').type('form').send({ email, password: 'x' });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('CSRF_FAILED');
  });

  it('limits an official to their subtree in GraphQL', async () => {
    const { email } = await createAccount(tool, Role.OFFICIAL, tenant.province.id);
    const cookies = await signIn(tool, email);
    const gql = (query: string, variables: Record<string, unknown> = {}) =>
      tool.http
        .post('/graphql')
        .set('Cookie', cookies)
        .set('Content-Type', 'application/json')
        .send({ query, variables });
    const mine = await gql('{ myOrgNodes { id code type } }').expect(200);
    expect(mine.body.data.myOrgNodes).toEqual([
      { id: tenant.province.id, code: tenant.province.code, type: 'PROVINCE' },
    ]);
    const below = await gql('query($id: ID!) { orgNode(id: $id) { code } }', {
      id: tenant.school.id,
    }).expect(200);
    expect(below.body.data.orgNode.code).toBe(tenant.school.code);
    const other = await gql('query($id: ID!) { orgNode(id: $id) { code } }', {
      id: tenant.otherSchool.id,
    }).expect(200);
    expect(other.body.data).toBeNull();
    expect(other.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await tool.http
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .send({ query: '{ myOrgNodes { id } }' });
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('rate-limits sign-in attempts per client with 429 and Retry-After', async () => {
    // A separate instance with its own counters, so other tests' sign-ins do not count.
    const fresh = await startTool({ env: { QUEUE_PREFIX: `rl${tenant.suffix}` } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 12; i++) {
        const res = await fresh.http
          .post('/login')
          .type('form')
          .send({ email: 'x@y.z', password: 'p' });
        statuses.push(res.status);
        retryAfter ??= res.headers['retry-after'];
      }
      expect(statuses.slice(0, 10).every((s) => s === 403)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });

  it('exposes Prometheus metrics with route patterns, not raw URLs', async () => {
    await tool.http.get(`/no-such-page/${tenant.suffix}`);
    const res = await tool.http.get('/metrics').expect(200);
    expect(res.text).toContain('safenest_http_request_duration_seconds_bucket');
    expect(res.text).not.toContain(tenant.suffix);
  });
});

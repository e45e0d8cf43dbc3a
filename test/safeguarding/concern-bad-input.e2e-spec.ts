import { Role } from '@lib/core';
import { ConcernReportEntity } from '@lib/safeguarding';
import { createAccount, createTenant, Tenant, TEST_PASSWORD } from '../support/fixtures';
import { TestBrowser } from '../support/lti-fixtures';
import { hiddenFields, signInBrowser } from '../support/safeguarding-fixtures';
import { startTool, TestTool } from '../support/test-app';

/** Bad input on the public form: each gets a clear answer, with the help numbers still shown. */
describe('Concern form: bad input gets a clear answer and breaks nothing', () => {
  let tool: TestTool;
  let tenant: Tenant;
  let browser: TestBrowser;
  let form: Record<string, string>;
  /** Every POST to /help in this file counts against the same per-address limit. */
  let posts = 0;

  const post = async (fields: Record<string, string>) => {
    posts++;
    return browser.post('/help?lang=en', fields);
  };
  const reportCount = () =>
    tool.dataSource
      .getRepository(ConcernReportEntity)
      .count({ where: { schoolOrgNodeId: tenant.school.id } });

  beforeAll(async () => {
    tool = await startTool();
    tenant = await createTenant(tool);
    browser = new TestBrowser(tool.url);
    const page = await browser.get(`/help?school=${tenant.school.id}&lang=en`);
    expect(page.status).toBe(200);
    form = hiddenFields(page.text, '/help');
  });
  afterAll(() => tool.close());

  it('refuses oversize text, names the field, and keeps what was typed (escaped)', async () => {
    const res = await post({
      ...form,
      category: 'content',
      description: 'x'.repeat(4001),
      platform: '<script>alert(1)</script>',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Please check:');
    expect(res.text).toContain('href="#f-description"');
    expect(res.text).toContain('Too long: at most 4000 characters.');
    expect(res.text).toMatch(/id="f-description"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('href="tel:111"');
    expect(await reportCount()).toBe(0);
  });

  it('answers a body over the size limit with 413 before anything reads it', async () => {
    const res = await tool.http
      .post('/help?lang=en')
      .set('Accept', 'text/html')
      .type('form')
      .send({ ...form, category: 'content', description: 'z'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.text).toContain('PAYLOAD_TOO_LARGE');
    expect(await reportCount()).toBe(0);
    expect((await browser.get(`/help?school=${tenant.school.id}`)).status).toBe(200);
  });

  it('refuses pasted picture data and a script link: a link only', async () => {
    const picture = `data:image/jpeg;base64,${'/9j/4AAQSkZJRgABAQ'.repeat(40)}`;
    const res = await post({ ...form, category: 'content', url: picture });
    expect(res.status).toBe(400);
    expect(res.text).toContain(
      'No pictures or picture data here. Paste a link to the content only.',
    );
    expect(res.text).not.toContain('/9j/4AAQSkZJRgABAQ/9j');
    const js = await post({ ...form, category: 'content', url: 'javascript:alert(1)' });
    expect(js.status).toBe(400);
    expect(js.text).toContain('This is not a link');
    expect(await reportCount()).toBe(0);
  });

  it('refuses a file upload with 415 and says why, before reading the form', async () => {
    // Refused before the flood limit counts it (nothing was read).
    const res = await tool.http
      .post('/help?lang=en')
      .set('Accept', 'text/html')
      .field('category', 'content')
      .attach('photo', Buffer.from('\x89PNG\r\n\x1a\n fake image'), 'photo.png');
    expect(res.status).toBe(415);
    expect(res.text).toContain('SafeNest does not accept files or pictures');
    expect(res.text).toContain('paste the link only');
    expect(res.text).toContain('href="tel:111"');
    const api = await tool.http
      .post('/api/safeguarding/v1/reports')
      .attach('photo', Buffer.from('fake'), 'photo.png');
    expect(api.status).toBe(415);
    expect(api.body.error.code).toBe('SG_UPLOAD_REFUSED');
    expect(await reportCount()).toBe(0);
  });

  it('refuses a forged form (no CSRF token) and still shows where to get help', async () => {
    posts++;
    const res = await tool.http
      .post('/help?lang=vi')
      .set('Accept', 'text/html')
      .type('form')
      .send({ school: tenant.school.id, category: 'content' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Biểu mẫu đã hết hạn');
    expect(res.text).toContain('href="tel:113"');
    expect(await reportCount()).toBe(0);
  });

  it('gives an expired form back filled in, with a fresh token, so nothing typed is lost', async () => {
    posts++;
    const res = await browser.post('/help?lang=en', {
      ...form,
      _csrf: 'expired-token',
      category: 'contact',
      description: 'I wrote this slowly <b>and</b> it must not vanish',
    });
    expect(res.status).toBe(403);
    expect(res.text).toContain('The form had expired, so the report has NOT been sent yet.');
    expect(res.text).toContain('I wrote this slowly &lt;b&gt;and&lt;/b&gt; it must not vanish');
    expect(res.text).toMatch(/id="category-contact"[^>]*checked/);
    const fresh = hiddenFields(res.text, '/help');
    expect(fresh._csrf).toBeTruthy();
    expect(fresh._csrf).not.toBe('expired-token');
    expect(fresh.submission).toBe(form.submission);
    expect(await reportCount()).toBe(0);
  });

  it('answers a flood from one address with 429 and Retry-After; everything else still works', async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof post>> | undefined;
    while (posts < 25 && !limited) {
      const res = await post({
        ...form,
        category: 'nonsense',
        description: `What happened, typed with care (${posts})`,
      });
      statuses.push(res.status);
      if (res.status === 429) {
        limited = res;
      }
    }
    // The form allows 20 posts per address per 10 minutes.
    expect(posts).toBe(21);
    expect(statuses.slice(0, -1).every((s) => s === 400)).toBe(true);
    // Nothing typed is lost: the same form comes back filled in, saying what to do.
    expect(limited!.status).toBe(429);
    expect(limited!.text).toContain('has NOT been sent yet');
    expect(limited!.text).toContain('What happened, typed with care (20)');
    expect(limited!.text).toContain('href="tel:111"');
    expect(hiddenFields(limited!.text, '/help').submission).toBe(form.submission);
    const again = await tool.http
      .post('/help?lang=en')
      .set('Accept', 'application/json')
      .type('form')
      .send({ ...form, category: 'content' });
    expect(again.status).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    expect(again.body.error.code).toBe('RATE_LIMITED');

    // The form itself, the rest of the site and the leads' pages are unaffected.
    expect((await browser.get(`/help?school=${tenant.school.id}`)).status).toBe(200);
    await tool.http.get('/health/ready').expect(200);
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.school.id);
    const leadBrowser = new TestBrowser(tool.url);
    await signInBrowser(leadBrowser, lead.email, TEST_PASSWORD);
    expect((await leadBrowser.get('/safeguarding')).status).toBe(200);
  });
});

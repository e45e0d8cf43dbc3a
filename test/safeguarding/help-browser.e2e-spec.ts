import { Role } from '@lib/core';
import { ConcernReportEntity } from '@lib/safeguarding';
import type { Browser, Page } from 'playwright-core';
import { createAccount, createTenant, Tenant, TEST_PASSWORD } from '../support/fixtures';
import { AxeFinding, axeCheck, launchChromium, PHONE } from '../support/player-browser';
import {
  bindSandbox,
  launch,
  ltOf,
  sandboxClass,
  startLtiTool,
  TestBrowser,
} from '../support/lti-fixtures';

/**
 * The concern pages in a real browser with JavaScript off, on a phone-sized screen: a parent
 * finds the school, gets the form's errors, sends a report; the lead opens it. axe-core
 * (WCAG 2.1 AA) finds nothing serious on any page and nothing scrolls sideways.
 */
describe('Concern pages in a browser without JavaScript', () => {
  let tool: Awaited<ReturnType<typeof startLtiTool>>;
  let tenant: Tenant;
  let browser: Browser;
  let page: Page;
  const found: AxeFinding[] = [];
  const seen = new Set<string>();

  /** axe-core needs scripting to run: it checks a copy of the page in a JavaScript context. */
  let axePage: Page;
  const check = async (label: string): Promise<void> => {
    await axePage.goto(`${tool.url}/health/live`);
    await axePage.setContent(await page.content(), { waitUntil: 'load' });
    await axeCheck(axePage, label, found, seen);
    // Nothing scrolls sideways on a phone.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    if (process.env.SG_SCREENSHOTS) {
      await page.screenshot({ path: `${process.env.SG_SCREENSHOTS}/${label}.png`, fullPage: true });
    }
  };
  const submit = async (selector: string): Promise<void> => {
    await Promise.all([page.waitForLoadState('load'), page.locator(selector).first().click()]);
    await page.waitForLoadState('load');
  };

  beforeAll(async () => {
    tool = await startLtiTool();
    tenant = await createTenant(tool);
    await bindSandbox(tool, tenant.province.code);
    browser = await launchChromium();
    page = await (
      await browser.newContext({ viewport: PHONE, javaScriptEnabled: false })
    ).newPage();
    axePage = await (await browser.newContext({ viewport: PHONE })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await tool.close();
  });

  it('lets a parent find the school, fix the form and send a report', async () => {
    await page.goto(`${tool.url}/help?lang=vi`);
    await check('school-chooser');
    await page.fill('#s-q', tenant.school.name.toLowerCase());
    await submit('form[role="search"] button');
    // "School x" and "Other school x" both match; the commune tells them apart.
    expect(await page.locator('.sg-results a').count()).toBe(2);
    expect(await page.locator('.sg-results').textContent()).toContain(tenant.commune.name);
    await submit(`.sg-results a[href*="${tenant.school.id}"]`);
    expect(await page.locator('h1').textContent()).toContain('Báo cáo lo ngại');
    await check('form');

    await submit('.sg-submit');
    expect(await page.locator('.sg-error-summary').textContent()).toContain('Vui lòng chọn');
    await check('form-errors');

    await page.check('input[name="imminentDanger"][value="no"]');
    await page.check('#category-conduct');
    await page.check('#relation-parent');
    await page.fill('#f-description', 'Con tôi bị bắt nạt trong nhóm chat của lớp.');
    await page.fill('#f-url', 'https://chat.example/group/1');
    await page.check('#contactMethod-email');
    await page.fill('#f-email', 'phuhuynh@example.test');
    await submit('.sg-submit');
    expect(await page.locator('h1').textContent()).toContain('Đã nhận báo cáo');
    expect(await page.locator('.sg-reference code').textContent()).toMatch(
      /^[0-9A-Z]{5}-[0-9A-Z]{5}$/,
    );
    await check('sent');
  });

  it('gives a young pupil on a phone the friendly form, help numbers first, and a way back to the lesson', async () => {
    const { cls, students } = await sandboxClass(tool, tenant.school.code);
    const link = await tool.sandbox.addLink(cls.id, 'Kind online', 'ep-kind-online', 10);
    const launched = await launch(new TestBrowser(tool.url), {
      classId: cls.id,
      userId: students[1].id,
      linkId: link.id,
      locale: 'vi',
    });
    const lt = ltOf(launched.location);
    expect(lt).toBeTruthy();
    await page.goto(`${tool.url}/help?lt=${encodeURIComponent(lt)}`);
    // The early-primary tone, in the pupil's language, inside the LMS frame (no site header).
    expect(await page.locator('h1').textContent()).toBe('Em cần giúp đỡ');
    expect(await page.locator('.site-header').count()).toBe(0);
    // On a 360×740 screen the help lines are on the first screen, big enough to tap.
    for (const num of ['111', '113']) {
      const call = page.locator(`a[href="tel:${num}"]`);
      const box = (await call.boundingBox())!;
      expect(box.y + box.height).toBeLessThan(PHONE.height);
      expect(box.height).toBeGreaterThanOrEqual(44);
    }
    expect(await page.locator('input[type="file"]').count()).toBe(0);
    await check('pupil-form');

    await page.check('input[name="imminentDanger"][value="no"]');
    await page.check('#category-conduct');
    await page.fill('#f-description', 'Bạn trong lớp chế ảnh của em rồi gửi vào nhóm.');
    await submit('.sg-submit');
    expect(await page.locator('h1').textContent()).toContain('Cảm ơn em');
    expect(await page.locator('.sg-reference code').textContent()).toMatch(
      /^[0-9A-Z]{5}-[0-9A-Z]{5}$/,
    );
    const back = page.locator('a.button.primary');
    expect(await back.getAttribute('href')).toContain('/play/ep-kind-online');
    await check('pupil-sent');
  });

  it("shows the lead's queue and the report", async () => {
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.school.id);
    await page.goto(`${tool.url}/safeguarding?lang=vi`);
    expect(page.url()).toContain('/login');
    await page.fill('#email', lead.email);
    await page.fill('#password', TEST_PASSWORD);
    await submit('form button[type="submit"]');
    expect(page.url()).toContain('/safeguarding');
    await check('queue');
    // The parent's report (the pupil's is in the queue too).
    const [parents] = await tool.dataSource
      .getRepository(ConcernReportEntity)
      .find({ where: { schoolOrgNodeId: tenant.school.id, source: 'web' as never } });
    await submit(`.sg-item-link[href*="${parents.id}"]`);
    expect(await page.locator('.sg-pre').first().textContent()).toContain('bị bắt nạt');
    await check('report');
    await submit('form[action*="/move"] button');
    expect(await page.locator('.sg-facts').first().textContent()).toContain('Đã tiếp nhận');
  });

  it('finds no serious accessibility problem on any page', () => {
    expect([...seen].sort()).toEqual(
      [
        'form',
        'form-errors',
        'pupil-form',
        'pupil-sent',
        'queue',
        'report',
        'school-chooser',
        'sent',
      ].sort(),
    );
    expect(found).toEqual([]);
  });
});

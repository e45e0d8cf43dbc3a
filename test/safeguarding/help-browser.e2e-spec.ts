import { Role } from '@lib/core';
import type { Browser, Page } from 'playwright-core';
import { createAccount, createTenant, Tenant, TEST_PASSWORD } from '../support/fixtures';
import {
  AxeFinding,
  axeCheck,
  horizontalOverflow,
  launchChromium,
  PHONE,
} from '../support/player-browser';
import { startTool, TestTool } from '../support/test-app';

/**
 * The concern pages in a real browser with JavaScript off, on a phone-sized screen: a parent
 * finds the school, gets the form's errors, sends a report; the lead opens it. axe-core
 * (WCAG 2.1 AA) finds nothing serious on any page and nothing scrolls sideways.
 */
describe('Concern pages in a browser without JavaScript', () => {
  let tool: TestTool;
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
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    if (process.env.SG_SCREENSHOTS) {
      await page.screenshot({ path: `${process.env.SG_SCREENSHOTS}/${label}.png`, fullPage: true });
    }
  };
  const submit = async (selector: string): Promise<void> => {
    await Promise.all([page.waitForLoadState('load'), page.locator(selector).first().click()]);
    await page.waitForLoadState('load');
  };

  beforeAll(async () => {
    tool = await startTool();
    tenant = await createTenant(tool);
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

  it("shows the lead's queue and the report", async () => {
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.school.id);
    await page.goto(`${tool.url}/safeguarding?lang=vi`);
    expect(page.url()).toContain('/login');
    await page.fill('#email', lead.email);
    await page.fill('#password', TEST_PASSWORD);
    await submit('form button[type="submit"]');
    expect(page.url()).toContain('/safeguarding');
    await check('queue');
    await submit('.sg-item-link');
    expect(await page.locator('.sg-pre').first().textContent()).toContain('bị bắt nạt');
    await check('report');
    await submit('form[action*="/move"] button');
    expect(await page.locator('.sg-facts').first().textContent()).toContain('Đã tiếp nhận');
  });

  it('finds no serious accessibility problem on any page', () => {
    expect([...seen].sort()).toEqual(
      ['form', 'form-errors', 'queue', 'report', 'school-chooser', 'sent'].sort(),
    );
    expect(found).toEqual([]);
  });
});

import { ComposeService, RecipientEntity, ThreadsService } from '@lib/messaging';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createTenant, Tenant } from '../support/fixtures';
import {
  magicLinkIn,
  makeParent,
  smtpSink,
  SmtpSink,
  uniqueEmail,
} from '../support/messaging-fixtures';
import {
  AxeFinding,
  axeCheck,
  horizontalOverflow,
  launchChromium,
  PHONE,
} from '../support/player-browser';
import { eventually, startTool, TestTool } from '../support/test-app';

/**
 * The parent inbox in headless Chromium with JavaScript off, on a phone: sign in by magic
 * link, read an announcement (the read receipt is recorded), reply to the teacher, mute the
 * thread, change settings. axe-core finds nothing serious and nothing scrolls sideways.
 */
describe('Parent inbox in a browser without JavaScript', () => {
  let sink: SmtpSink;
  let tool: TestTool;
  let tenant: Tenant;
  let browser: Browser;
  let page: Page;
  let axePage: Page;
  const found: AxeFinding[] = [];
  const seen = new Set<string>();

  const check = async (label: string): Promise<void> => {
    await axePage.goto(`${tool.url}/health/live`);
    await axePage.setContent(await page.content(), { waitUntil: 'load' });
    await axeCheck(axePage, label, found, seen);
    expect(await horizontalOverflow(page)).toEqual([]); // what sticks out, if anything
  };
  const submit = async (selector: string): Promise<void> => {
    await Promise.all([page.waitForLoadState('load'), page.locator(selector).first().click()]);
    await page.waitForLoadState('load');
  };

  beforeAll(async () => {
    sink = await smtpSink();
    tool = await startTool({ env: { SMTP_URL: sink.url } });
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
    await sink.close();
  });

  it('signs in by magic link, reads, replies, mutes and changes settings', async () => {
    const email = uniqueEmail('browser');
    const p = await makeParent(tool, { schoolId: tenant.school.id, email, classId: randomUUID() });
    const announcement = await tool.get<ComposeService>(ComposeService).compose({
      schoolOrgNodeId: tenant.school.id,
      kind: 'announcement',
      audience: { type: 'school' },
      subjectVi: 'Ngày hội đọc sách',
      bodyVi: 'Mời phụ huynh cùng con tham gia ngày hội đọc sách vào thứ Sáu.',
      author: { type: 'account', id: null, name: 'Ban giám hiệu' },
    });
    const thread = await tool.get<ThreadsService>(ThreadsService).open(
      {
        userId: randomUUID(),
        name: 'Cô Hạnh',
        classId: randomUUID(),
        schoolOrgNodeId: tenant.school.id,
      },
      p.studentId,
      'Về bài tập về nhà',
      'Chào chị, con quên vở bài tập hai hôm nay.',
    );

    await page.goto(`${tool.url}/parents/sign-in?lang=vi`);
    await check('sign-in');
    await page.fill('#contact', email);
    await submit('form button[type="submit"]');
    expect(await page.locator('h1').textContent()).toContain('Hãy kiểm tra hộp thư');
    const mail = await eventually(async () =>
      sink.to(email).find((m) => m.text.includes('/parents/magic')),
    );
    await page.goto(magicLinkIn(mail).replace(tool.config.publicUrl, tool.url));
    await check('magic');
    await submit('form button[type="submit"]');
    expect(page.url()).toContain('/parents/inbox');
    await check('inbox');
    expect(await page.locator('.msg-list .unread').count()).toBe(2); // the announcement and the thread
    expect(await page.locator('main').textContent()).toContain('Về bài tập về nhà');

    await submit('a:has-text("Ngày hội đọc sách")');
    expect(await page.locator('.msg-body').textContent()).toContain('thứ Sáu');
    await check('message');
    const receipt = await tool.dataSource
      .getRepository(RecipientEntity)
      .findOneByOrFail({ messageId: announcement.id, parentId: p.parentId });
    expect(receipt.readAt).not.toBeNull();

    await page.goto(`${tool.url}/parents/threads/${thread.id}`);
    await check('thread');
    await page.fill('#body', 'Dạ, tối nay em sẽ kiểm tra cặp sách của cháu.');
    await submit('form[action$="/reply?lang=vi"] button');
    expect(await page.locator('.post.from-parent .post-body').last().textContent()).toContain(
      'kiểm tra cặp sách',
    );
    await submit('form[action$="/mute"] button');
    expect(await page.locator('form[action$="/mute"] button').textContent()).toContain(
      'Bật lại thông báo',
    );

    await page.goto(`${tool.url}/parents/settings`);
    await check('settings');
    await page.check('input[name="mode"][value="digest"]');
    await submit('form[action="/parents/settings/preferences"] button[type="submit"]');
    expect(await page.locator('.notice').textContent()).toContain('Đã lưu');
    expect(await page.locator('input[name="mode"][value="digest"]').isChecked()).toBe(true);

    await page.goto(`${tool.url}/parents/join`);
    await check('join');
    await page.goto(`${tool.url}/parents/settings/erase`);
    await check('erase');

    expect(found).toEqual([]);
    expect([...seen]).toHaveLength(8);
  });
});

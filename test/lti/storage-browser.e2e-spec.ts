import type { Browser, Frame, Page } from 'playwright-core';
import { createTenant, Tenant } from '../support/fixtures';
import { bindSandbox, sandboxClass, startLtiTool } from '../support/lti-fixtures';
import { launchChromium } from '../support/player-browser';

type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;

// Chromium on the shared 2-core machine, beside other suites: give the browser room.
jest.setTimeout(180_000);

/**
 * A real browser launching the tool inside the sandbox LMS's iframe. The LMS page is opened as
 * http://localhost:<port> while the LMS endpoints and the tool answer at http://127.0.0.1:<port>,
 * so the tool's frame is cross-site: Chromium does not keep its state cookie (SameSite=Lax in
 * development, set in a cross-site frame), exactly the situation of a browser blocking
 * third-party cookies. The launch must then go through the LMS's platform storage
 * (lti.put_data / lti.get_data postMessages to the frame named by lti_storage_target), or,
 * where the LMS offers none, end on a page that opens the tool in a new window.
 */
describe('LTI launch in an LMS iframe without cookies (Chromium)', () => {
  let tool: LtiTool;
  let tenant: Tenant;
  let browser: Browser;

  beforeAll(async () => {
    tool = await startLtiTool();
    tenant = await createTenant(tool);
    await bindSandbox(tool, tenant.province.code);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await tool.close();
  });

  const lmsPage = (query: Record<string, string>): string =>
    `${tool.url.replace('127.0.0.1', 'localhost')}/sandbox/embed?${new URLSearchParams(query).toString()}`;

  async function frameAt(page: Page, test: (url: string) => boolean): Promise<Frame> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const frame = page.frame({ name: 'tool_frame' });
      if (frame && test(frame.url())) {
        await frame.waitForLoadState('load');
        return frame;
      }
      if (Date.now() > deadline) {
        throw new Error(`tool frame stuck at ${frame?.url()}`);
      }
      await page.waitForTimeout(100);
    }
  }

  it('completes the launch through the LMS platform storage when the state cookie is dropped', async () => {
    const { cls, students } = await sandboxClass(tool, tenant.school.code, 1);
    const link = await tool.sandbox.addLink(cls.id, 'Safe chat', 'up-online-friends', 10);
    const context = await browser.newContext();
    const page = await context.newPage();
    const launchPosts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/lti/launch')) {
        launchPosts.push(req.postData() ?? '');
      }
    });
    await page.goto(
      lmsPage({ class: cls.id, user: students[0].id, link: link.id, locale: 'en', lang: 'en' }),
    );
    const frame = await frameAt(page, (u) => u.includes('/play/up-online-friends'));
    expect(new URL(frame.url()).searchParams.get('lt')).toMatch(/^[0-9a-f-]{36}\./);
    expect(await frame.locator('h1').first().textContent()).toBeTruthy();
    // The cookie-less path was taken: no state cookie survived, the first launch post lacked
    // the storage proof (answered by the check page), the second carried it.
    const cookies = await context.cookies();
    expect(cookies.filter((c) => c.name.startsWith('sn_lti_state_'))).toEqual([]);
    expect(launchPosts).toHaveLength(2);
    expect(new URLSearchParams(launchPosts[0]).get('storage_proof')).toBeNull();
    expect(new URLSearchParams(launchPosts[1]).get('storage_proof')).toMatch(/^[\w-]{20,}$/);
    // The learner is recorded in the class like any other launch.
    const launches = tool.dataSource.getRepository('LtiLaunchEntity');
    const id = new URL(frame.url()).searchParams.get('lt')!.split('.')[0];
    expect(await launches.countBy({ id })).toBe(1);
    await context.close();
  });

  it('still completes when the LMS storage frame loads late (messages resent, each answered once)', async () => {
    const { cls, students } = await sandboxClass(tool, tenant.school.code, 1);
    const link = await tool.sandbox.addLink(cls.id, 'Safe chat', 'up-online-friends', 10);
    const context = await browser.newContext();
    const page = await context.newPage();
    // The storage frame's page is held back so that the tool's first lti.put_data messages reach
    // a frame with no listener yet (they are lost, as in a slow LMS page).
    await page.route('**/storage-frame', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    const launchPosts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/lti/launch')) {
        launchPosts.push(req.postData() ?? '');
      }
    });
    await page.goto(
      lmsPage({ class: cls.id, user: students[0].id, link: link.id, locale: 'en', lang: 'en' }),
    );
    const frame = await frameAt(page, (u) => u.includes('/play/up-online-friends'));
    expect(await frame.locator('h1').first().textContent()).toBeTruthy();
    // Past the old 3 s give-up, a second answer or timer must not submit the launch again.
    await page.waitForTimeout(4000);
    expect(launchPosts).toHaveLength(2);
    expect(new URLSearchParams(launchPosts[1]).get('storage_proof')).toMatch(/^[\w-]{20,}$/);
    expect(frame.url()).toContain('/play/up-online-friends');
    await context.close();
  });

  it('without platform storage, refuses with a 401 page that opens the tool in a new window, which works', async () => {
    const { cls, students } = await sandboxClass(tool, tenant.school.code, 1);
    const link = await tool.sandbox.addLink(cls.id, 'Safe chat', 'up-online-friends', 10);
    const context = await browser.newContext();
    const page = await context.newPage();
    let refusal = 0;
    page.on('response', (res) => {
      if (res.url().endsWith('/lti/launch')) {
        refusal = res.status();
      }
    });
    await page.goto(
      lmsPage({
        class: cls.id,
        user: students[0].id,
        link: link.id,
        locale: 'en',
        lang: 'en',
        storage: 'none',
      }),
    );
    const frame = await frameAt(page, (u) => u.endsWith('/lti/launch'));
    await frame.waitForSelector('[data-reason]');
    expect(refusal).toBe(401);
    expect(await frame.getAttribute('[data-reason]', 'data-reason')).toBe('STATE_COOKIE_MISSING');
    // The link opens a new top-level window (target=_blank): a first-party context, where the
    // state cookie is kept and the launch passes.
    const link2 = frame.locator('a[target=_blank]');
    expect(await link2.getAttribute('rel')).toBe('noopener');
    const href = new URL((await link2.getAttribute('href'))!, frame.url()).toString();
    expect(new URL(href).pathname).toBe('/lti/login');
    const popup = await context.newPage();
    await popup.goto(href);
    await popup.waitForURL(/\/play\/up-online-friends\?lt=/, { timeout: 60_000 });
    expect(popup.url()).toContain('/play/up-online-friends');
    await context.close();
  });
});

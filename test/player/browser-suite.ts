import type { BandCheck, CurriculumModule } from '@lib/curricula';
import { CatalogService } from '@lib/curricula';
import { SandboxLink, SandboxService } from '@lib/lti';
import { INestApplicationContext } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTenant } from '../support/fixtures';
import {
  axeCheck,
  axeHelperPage,
  mirror,
  AxeFinding,
  BrowserRun,
  clickAndWait,
  horizontalOverflow,
  launchChromium,
  PHONE,
  playAttempt,
} from '../support/player-browser';
import { bindSandbox, createPlayerClass, PlayerClass } from '../support/player-fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

/** One module per band, each mixing at least five item types. */
const MODULES = [
  'ep-kind-online',
  'up-online-friends',
  'ls-digital-footprint',
  'us-account-security',
];

/**
 * The player in a real headless Chromium, the way pupils meet it: launched from the sandbox
 * LMS's class page, a module in each band, feedback, the gradebook; axe-core on every page
 * type. `js: false` runs the same flow with JavaScript off on a 360×740 phone screen.
 */
export function playerInBrowser(js: boolean): void {
  // A whole lesson with the band checks in a real browser takes ~2 min on a busy 2-core machine.
  jest.setTimeout(300_000);
  describe(`Player in Chromium (${js ? 'JavaScript on, desktop' : 'JavaScript off, 360×740 phone'})`, () => {
    let tool: TestTool;
    let worker: INestApplicationContext | undefined;
    let sandbox: SandboxService;
    let browser: Browser;
    let cls: PlayerClass;
    let links: SandboxLink[];
    let modules: CurriculumModule[];
    let check: BandCheck;
    const found: AxeFinding[] = [];
    const seen = new Set<string>();
    const overflow: Array<{ page: string; culprits: string[] }> = [];
    const servers: Server[] = [];
    let helper: Page | undefined;

    const newContext = (): Promise<BrowserContext> =>
      browser.newContext({
        javaScriptEnabled: js,
        viewport: js ? { width: 1280, height: 1500 } : PHONE,
        locale: 'vi-VN',
      });
    const run = (page: Page): BrowserRun => ({
      page,
      js,
      lang: 'vi',
      axe: { found, seen, via: helper },
      onPage: async (label) => {
        if (!js) {
          const culprits = await horizontalOverflow(page);
          if (culprits.length) {
            overflow.push({ page: `${label} ${page.url().replace(/\?.*/, '')}`, culprits });
          }
        }
      },
    });
    /** axe-core once per page kind, and (on the phone) no sideways scrolling. */
    const kind = async (page: Page, label: string): Promise<void> => {
      if (!seen.has(label)) {
        await axeCheck(helper ? await mirror(helper, page) : page, label, found, seen);
      }
      if (!js) {
        const culprits = await horizontalOverflow(page);
        if (culprits.length) {
          overflow.push({ page: `${label} ${page.url().replace(/\?.*/, '')}`, culprits });
        }
      }
    };
    const settle = async (page: Page): Promise<void> => {
      // The LMS's auto-submitting form: the script posts it, or the pupil presses the button.
      await page.waitForURL(/\/sandbox\/auth|\/(play|teach)\//);
      if (!js && page.url().includes('/sandbox/auth')) {
        await clickAndWait(page, 'form[data-autosubmit] button');
      }
      // A pupil's launch post answers with the lesson (ADR 0107): its script shows the page's own
      // address, so a reload asks for the page; without script the address stays the post's.
      await page.waitForURL(js ? /\/(play|teach)\// : /\/(play|teach)\/|\/lti\/launch$/);
      await page.waitForLoadState('load');
      if (js && page.url().includes('/play/')) {
        const heading = await page.locator('h1').first().textContent();
        await page.reload();
        await page.waitForLoadState('load');
        expect(await page.locator('h1').first().textContent()).toBe(heading);
      }
    };
    const launchFromClassPage = async (
      page: Page,
      userId: string,
      linkId: string,
    ): Promise<void> => {
      await page.goto(`${tool.url}/sandbox/class/${cls.classId}?lang=vi`);
      // the top-level launch link (the class page also offers the same launch inside an iframe)
      await page
        .locator(`a[href^="/sandbox/launch?"][href*="user=${userId}&link=${linkId}"]`)
        .click();
      await settle(page);
    };

    beforeAll(async () => {
      tool = await startTool();
      if (usesRedis()) {
        worker = await startWorker();
      }
      const tenant = await createTenant(tool);
      sandbox = await bindSandbox(tool, tenant);
      cls = await createPlayerClass(sandbox, tenant, MODULES.length);
      const catalog = tool.get<CatalogService>(CatalogService);
      modules = MODULES.map((id) => catalog.get(id));
      check = catalog.bandCheck(modules[0].band);
      links = [];
      for (const m of modules) {
        const max = m.assessment.items.reduce((s, i) => s + i.points, 0);
        links.push(await sandbox.addLink(cls.classId, m.title.vi, m.id, max));
      }
      browser = await launchChromium();
      helper = js ? undefined : await axeHelperPage(browser, PHONE);
    });
    afterAll(async () => {
      servers.forEach((s) => s.close());
      await browser?.close();
      await worker?.close();
      await tool?.close();
    });

    it.each(MODULES.map((id, i) => [id, i]))(
      'a pupil launched from the LMS completes %s, sees feedback, and the score reaches the gradebook',
      async (_id, i) => {
        const module = modules[i];
        const student = cls.students[i];
        const context = await newContext();
        const page = await context.newPage();
        const r = run(page);
        try {
          await launchFromClassPage(page, student.id, links[i].id);
          // With script the address bar shows the lesson's own address; without, the launch post's.
          // (With script the page was also reloaded from that address by `settle`.)
          expect(page.url()).toContain(js ? `/play/${module.id}?lt=` : '/lti/launch');
          if (!js) {
            expect(await page.locator('meta[name="sn-url"]').getAttribute('content')).toContain(
              `/play/${module.id}?lt=`,
            );
          }
          await kind(page, 'module entry (pre-check offered)');
          await page.locator('.need-help').waitFor({ state: 'visible' });
          if (i === 0) {
            // The band's pre-check, then the lesson.
            await clickAndWait(page, 'form[action$="/pre/start"] button');
            const pre = await playAttempt(r, check, 'wrong');
            expect(pre).toContain('Cảm ơn em!');
            await kind(page, 'check result (pre)');
            await clickAndWait(page, '.step-actions a.primary');
          } else {
            await clickAndWait(page, 'form[action$="/pre/skip"] button');
          }
          await page.locator('.lesson-entry').waitFor();
          await kind(page, 'module entry');
          await clickAndWait(page, `form[action="/play/${module.id}/start"] button`);
          const q1 = module.assessment.items[0];
          const result = await playAttempt(r, module, (item) =>
            item.id === q1.id ? 'wrong' : 'correct',
          );
          const max = module.assessment.items.reduce((s, it) => s + it.points, 0);
          const earned = max - q1.points;
          expect(result).toContain(`Em được ${earned}/${max} điểm`);
          expect(result).toContain('Chưa đúng');
          const feedback =
            q1.type === 'single'
              ? q1.options.find((o) => !o.correct)!.feedback.vi
              : q1.type === 'truefalse'
                ? q1.feedback.incorrect.vi
                : q1.type === 'multiple'
                  ? q1.options.find((o) => !o.correct)!.feedback.vi
                  : '';
          expect(result).toContain(feedback.replace(/\s+/g, ' ').trim());
          await kind(page, 'result');
          if (i === 0) {
            await clickAndWait(page, 'form[action$="/post/start"] button');
            const post = await playAttempt(r, check, 'correct');
            expect(post).toContain('Em đã tiến bộ');
            await kind(page, 'check result (post)');
            await page.goto(
              page.url().replace(/\/play\/attempt\/[^/]+\/[^?]+/, `/play/${module.id}/family-note`),
            );
          } else {
            await clickAndWait(page, 'a[href*="/family-note?"]');
          }
          await page.locator('.family-note').waitFor();
          await kind(page, 'family note');
          const speaks = await page.evaluate(() => 'speechSynthesis' in window);
          expect(await page.locator('.read-aloud').isVisible()).toBe(js && speaks);
          expect(await page.locator('.print-button').isVisible()).toBe(js);

          // The LMS gradebook, as the teacher sees it there.
          const gradebook = await context.newPage();
          const row = await eventually(async () => {
            await gradebook.goto(`${tool.url}/sandbox/gradebook/${cls.classId}?lang=vi`);
            const text = await gradebook.locator('tr', { hasText: student.name }).innerText();
            return text.includes(`${earned} / ${max}`) ? text : null;
          }, 30_000);
          expect(row).toContain('Completed');
        } finally {
          await context.close();
        }
      },
    );

    it('serves the teacher view and the school view accessibly', async () => {
      const context = await newContext();
      const page = await context.newPage();
      try {
        await launchFromClassPage(page, cls.teacher.id, links[1].id);
        expect(page.url()).toContain('/teach/class?lt=');
        for (const tab of ['progress', 'items', 'gain', 'guide', 'family-note', 'deliveries']) {
          if (tab !== 'progress') {
            await clickAndWait(page, `.tabs a[href^="/teach/class/${tab}?"]`);
          }
          await page.locator('#content').waitFor();
          await kind(page, `teacher: ${tab}`);
        }
        await launchFromClassPage(page, cls.admin.id, links[1].id);
        expect(page.url()).toContain('/teach/school?lt=');
        await kind(page, 'school view');
        // An error page a pupil may meet (a teacher page opened with a pupil's launch).
        await launchFromClassPage(page, cls.students[1].id, links[1].id);
        await page.goto(page.url().replace(/\/play\/[^?]+/, '/teach/class'));
        await kind(page, 'error page');
      } finally {
        await context.close();
      }
    });

    if (js) {
      it('runs inside an LMS iframe without cookies and offers a new window', async () => {
        const context = await newContext();
        const page = await context.newPage();
        try {
          await launchFromClassPage(page, cls.students[2].id, links[2].id);
          const playerUrl = page.url();
          await context.clearCookies();
          // A course page of another site (localhost vs 127.0.0.1) framing the player, as an LMS does.
          const lms = createServer((_req, res) => {
            res.setHeader('content-type', 'text/html; charset=utf-8');
            res.end(
              `<!doctype html><html lang="en"><title>Course</title><main><iframe title="SafeNest" src="${playerUrl}" width="380" height="1400"></iframe></main></html>`,
            );
          });
          await new Promise<void>((resolve) => lms.listen(0, '127.0.0.1', resolve));
          servers.push(lms);
          await page.goto(`http://localhost:${(lms.address() as AddressInfo).port}/course`);
          const frame = page.frameLocator('iframe');
          await frame.locator('.lesson-entry').waitFor();
          await frame.locator('.new-window').waitFor({ state: 'visible' });
          expect(await frame.locator('.new-window').getAttribute('href')).toContain('lt=');
          // By keyboard, as a pupil without a mouse would (and out-of-process frames take keys reliably).
          const press = async (selector: string): Promise<void> => {
            await frame.locator(selector).focus();
            await page.keyboard.press('Enter');
          };
          if ((await frame.locator('form[action$="/pre/skip"] button').count()) > 0) {
            await press('form[action$="/pre/skip"] button');
            await frame.locator('.lesson-entry').waitFor();
          }
          await press(`form[action="/play/${modules[2].id}/start"] button`);
          await frame.locator('.lesson-page').waitFor();
          expect(await context.cookies()).toEqual([]);
        } finally {
          await context.close();
        }
      });
    }

    it('finds no serious or critical accessibility problem on any page type', () => {
      expect([...seen].sort()).toEqual(
        expect.arrayContaining([
          'module entry (pre-check offered)',
          'module entry',
          'lesson page',
          'question: single',
          'question: multiple',
          'question: truefalse',
          'question: ordering',
          'question: matching',
          'question: scenario (in the story)',
          'question: scenario (end)',
          'review',
          'result',
          'check result (pre)',
          'check result (post)',
          'family note',
          'teacher: progress',
          'teacher: items',
          'teacher: gain',
          'teacher: guide',
          'teacher: family-note',
          'teacher: deliveries',
          'school view',
          'error page',
        ]),
      );
      expect(found).toEqual([]);
      expect(overflow).toEqual([]);
    });
  });
}

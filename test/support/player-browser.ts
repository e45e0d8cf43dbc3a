import type { AssessmentItem, CurriculumModule, BandCheck, Language } from '@lib/curricula';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { AnswerMode, scenarioPath } from './player-fixtures';

const AXE = fs.readFileSync(path.join(require.resolve('axe-core'), '..', 'axe.min.js'), 'utf8');

export const PHONE = { width: 360, height: 740 };

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface AxeFinding {
  page: string;
  rule: string;
  impact: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.1 A/AA and best practices) on the current page and keeps serious and
 * critical findings. Evaluated through the DevTools protocol, so it works with the page's own
 * JavaScript off and under the strict CSP (no inline script is added to the page).
 */
export async function axeCheck(
  page: Page,
  label: string,
  found: AxeFinding[],
  seen: Set<string>,
): Promise<void> {
  seen.add(label);
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: unknown,
          ) => Promise<{
            violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
          }>;
        };
      }
    ).axe;
    const res = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  for (const v of violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      found.push({ page: label, rule: v.id, impact: v.impact, targets: v.targets });
    }
  }
}

/**
 * axe needs timers, which do not run in a page with JavaScript off: the check then runs on the
 * same URL in a helper page whose context has JavaScript on but the player's script blocked, so
 * it sees the DOM a pupil without JavaScript gets (every player page is a GET after a redirect).
 */
export async function axeHelperPage(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN' });
  await context.route('**/static/*.js', (route) => route.abort());
  return context.newPage();
}

export async function mirror(helper: Page, page: Page): Promise<Page> {
  await helper.goto(page.url());
  return helper;
}

/** Nothing wider than the viewport: a phone never scrolls sideways. Returns the culprits, if any. */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth) {
      return [];
    }
    // Array.from: the project's lib has no DOM iterables (NodeList is array-like).
    return Array.from(document.querySelectorAll('main *'))
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 3)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent ?? '').trim().slice(0, 60)}`,
      );
  });
}

export interface BrowserRun {
  page: Page;
  js: boolean;
  lang: Language;
  axe?: { found: AxeFinding[]; seen: Set<string>; via?: Page };
  /** Labels of page kinds already checked: each kind is checked once per run. */
  onPage?: (label: string) => Promise<void>;
}

async function check(run: BrowserRun, label: string): Promise<void> {
  if (run.axe && !run.axe.seen.has(label)) {
    await axeCheck(
      run.axe.via ? await mirror(run.axe.via, run.page) : run.page,
      label,
      run.axe.found,
      run.axe.seen,
    );
  }
  if (run.onPage) {
    await run.onPage(label);
  }
}

/** Clicks and waits for the next document (every step is a link or a form post). */
export async function clickAndWait(page: Page, selector: string): Promise<void> {
  const loaded = page.waitForEvent('load');
  await page.locator(selector).first().click();
  await loaded;
}

/** Answers one question on the page the way a pupil would, with or without the page's script. */
async function answer(run: BrowserRun, item: AssessmentItem, mode: AnswerMode): Promise<void> {
  const { page, lang } = run;
  switch (item.type) {
    case 'single': {
      const option =
        mode === 'correct'
          ? item.options.find((o) => o.correct)!
          : item.options.find((o) => !o.correct)!;
      await page.locator(`input[name="answer"][value="${option.id}"]`).check();
      break;
    }
    case 'multiple': {
      const ids =
        mode === 'correct'
          ? item.options.filter((o) => o.correct).map((o) => o.id)
          : [item.options.find((o) => !o.correct)!.id];
      for (const id of ids) {
        await page.locator(`input[name="answer"][value="${id}"]`).check();
      }
      break;
    }
    case 'truefalse':
      await page
        .locator(
          `input[name="answer"][value="${String(mode === 'correct' ? item.answer : !item.answer)}"]`,
        )
        .check();
      break;
    case 'ordering': {
      const order = (mode === 'correct' ? item.steps : [...item.steps].reverse()).map(
        (s) => s.text[lang],
      );
      const rows = page.locator('.order-row');
      if (run.js) {
        // The script's move buttons.
        let moves = 0;
        for (let i = 0; i < order.length; i++) {
          for (;;) {
            const texts = await rows.locator('.order-text').allTextContents();
            const at = texts.indexOf(order[i]);
            if (at <= i) {
              break;
            }
            await rows.nth(at).locator('.order-up').click();
            moves++;
          }
        }
        if (moves > 0) {
          // A screen reader hears where the moved step went (focus stays on its button).
          expect(await page.locator('.save-status').textContent()).toMatch(
            lang === 'vi' ? /Đã chuyển “.+” đến vị trí \d/ : /Moved “.+” to position \d/,
          );
        }
      } else {
        const n = await rows.count();
        for (let r = 0; r < n; r++) {
          const text = (await rows.nth(r).locator('.order-text').textContent()) ?? '';
          await rows
            .nth(r)
            .locator('select')
            .selectOption(String(order.indexOf(text) + 1));
        }
      }
      break;
    }
    case 'matching':
      for (const [i, pair] of item.pairs.entries()) {
        const target = mode === 'correct' ? pair : item.pairs[(i + 1) % item.pairs.length];
        await page
          .locator(`select[name="match_${pair.id}"]`)
          .selectOption({ label: target.right[lang] });
      }
      break;
    case 'scenario':
      for (const choice of scenarioPath(item, mode)) {
        await page.locator(`input[name="choice"][value="${choice}"]`).check();
        await clickAndWait(page, 'button[value="choose"]');
        await check(run, 'question: scenario (in the story)');
      }
      await check(run, 'question: scenario (end)');
      break;
  }
}

/**
 * From the first step of an attempt to its result: reads each page, answers each question
 * and hands in. Returns the result page's text.
 */
export async function playAttempt(
  run: BrowserRun,
  source: CurriculumModule | BandCheck,
  mode: AnswerMode | ((item: AssessmentItem) => AnswerMode),
): Promise<string> {
  const { page } = run;
  const pages = 'assessment' in source ? source.pages.length : 0;
  const items = 'assessment' in source ? source.assessment.items : source.items;
  for (let i = 0; i < pages; i++) {
    await check(run, 'lesson page');
    await clickAndWait(page, 'a[rel="next"]');
  }
  for (const item of items) {
    await page.locator('form.question').waitFor();
    await check(run, `question: ${item.type}`);
    await answer(run, item, typeof mode === 'function' ? mode(item) : mode);
    await clickAndWait(page, 'button[value="next"]');
  }
  await check(run, 'review');
  await clickAndWait(page, 'form[data-once] button.primary');
  await page.locator('.result').waitFor();
  return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

import { CatalogService, CurriculumModule, type Language } from '@lib/curricula';
import { SandboxService } from '@lib/lti';
import { createTenant } from '../support/fixtures';
import {
  bindSandbox,
  createPlayerClass,
  decodeHtml,
  launchFromSandbox,
  PlayerClass,
  PlayerClient,
} from '../support/player-fixtures';
import { startTool, TestTool } from '../support/test-app';

jest.setTimeout(600_000);

/** Letters only Vietnamese uses. */
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i;

/** The visible text of a page's <main>, tags dropped and entities decoded. */
function mainText(html: string): string {
  const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? html;
  return decodeHtml(
    main
      .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&nbsp;/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** What a reader (teacher or pupil) would notice on a page: Markdown left raw, holes, wrong language. */
function problemsOf(html: string, lang: Language, quotesVietnamese = false): string[] {
  const out: string[] = [];
  if (!html.includes(`<html lang="${lang}">`)) {
    out.push(`not in ${lang}`);
  }
  const text = mainText(html);
  for (const [what, pattern] of [
    // (a bare "***" is a pupil's censored word in a story, not emphasis)
    ['raw Markdown emphasis', /\*\*[^*\s][^*]*\*\*|__\S[^_]*__|(^|\s)\*[^*\s][^*]*\*(\s|$)/],
    ['raw Markdown link or image', /!?\[[^\]]*\]\([^)]*\)/],
    ['raw Markdown heading', /(^|\s)#{1,6} \S/],
    ['template braces', /\{\{|\}\}/],
    ['empty value', /\bundefined\b|\bnull\b|\[object |\bNaN\b/],
    ['message key', /\b(player|teach|core|errors)\.[a-z]+\.[a-zA-Z.]+/],
  ] as const) {
    const m = pattern.exec(text);
    if (m) {
      out.push(`${what}: …${text.slice(Math.max(0, m.index - 40), m.index + 40)}…`);
    }
  }
  if (lang === 'en' && !quotesVietnamese) {
    // Names of people and places (capitalised: Bảo, Tuấn, Hà Nội) are fine; lower-case
    // Vietnamese words are an untranslated sentence.
    const words = text
      .split(/[\s.,;:!?"“”'‘’()[\]«»…–—-]+/)
      .filter((w) => w && w[0] === w[0].toLowerCase() && VIETNAMESE.test(w));
    if (words.length > 3) {
      out.push(`Vietnamese words on an English page: ${words.slice(0, 8).join(' ')}`);
    }
  }
  for (const img of html.matchAll(/<img\b[^>]*>/g)) {
    if (!/\balt="[^"]+"/.test(img[0])) {
      out.push(`image without alt text: ${img[0]}`);
    }
  }
  if (Buffer.byteLength(html) >= 100 * 1024) {
    out.push(`page of ${Math.round(Buffer.byteLength(html) / 1024)} KB`);
  }
  return out;
}

/**
 * Every module of the catalog read through the player in both languages, the way a teacher
 * previewing the curriculum or a pupil taking it meets it: every lesson page, every question,
 * the review, the graded result with feedback, and the family note.
 */
describe('Curricula content in the player, every module in Vietnamese and English', () => {
  let tool: TestTool;
  let sandbox: SandboxService;
  let cls: PlayerClass;
  let modules: CurriculumModule[];

  beforeAll(async () => {
    // Some 1,500 requests from one address in a few seconds: above the per-minute limit.
    tool = await startTool({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const tenant = await createTenant(tool);
    sandbox = await bindSandbox(tool, tenant);
    cls = await createPlayerClass(sandbox, tenant, 2);
    const catalog = tool.get<CatalogService>(CatalogService);
    modules = catalog.list().map((e) => catalog.get(e.id));
  });
  afterAll(async () => {
    await tool.close();
  });

  it('has modules in all four bands', () => {
    expect(modules.length).toBeGreaterThanOrEqual(24);
    expect(new Set(modules.map((m) => m.band)).size).toBe(4);
  });

  it.each(['vi', 'en'] as const)(
    'renders every page, question, result and family note cleanly in %s',
    async (lang) => {
      const student = cls.students[lang === 'vi' ? 0 : 1];
      const problems: Array<{ url: string; problem: string }> = [];
      const skipped = new Set<string>();
      for (const module of modules) {
        const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
        const link = await sandbox.addLink(cls.classId, module.title[lang], module.id, max);
        const { lt } = await launchFromSandbox(tool, {
          classId: cls.classId,
          userId: student.id,
          linkId: link.id,
          locale: lang,
        });
        const pupil = new PlayerClient(tool, lt, lang);
        const entry = await pupil.get(`/play/${module.id}`);
        expect(entry.status).toBe(200);
        expect(decodeHtml(entry.text)).toContain(module.title[lang]);
        if (!skipped.has(module.band)) {
          expect((await pupil.post(`/play/check/${module.band}/pre/skip`)).status).toBe(303);
          skipped.add(module.band);
        }
        const { attemptId } = await pupil.start(module.id);
        // Half right, half wrong: both kinds of feedback appear on the result.
        await pupil.answerAll(attemptId, module.assessment.items, module.pages.length, (item) =>
          module.assessment.items.indexOf(item) % 2 === 0 ? 'correct' : 'wrong',
        );
        const result = await pupil.submit(attemptId);
        expect(result.status).toBe(200);
        const note = await pupil.get(`/play/${module.id}/family-note`);
        expect(note.status).toBe(200);
        for (const page of module.pages) {
          expect(pupil.pages.some((p) => decodeHtml(p.html).includes(page.title[lang]))).toBe(true);
        }
        for (const { url, html } of pupil.pages) {
          for (const problem of problemsOf(html, lang)) {
            problems.push({ url: `${module.id} ${url.replace(/\?.*/, '')}`, problem });
          }
          for (const img of html.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g)) {
            const res = await tool.http.get(decodeHtml(img[1]));
            if (res.status !== 200) {
              problems.push({ url, problem: `image ${img[1]} answers ${res.status}` });
            }
          }
        }
      }
      // The teacher's side: each module's guide in the class's teacher view.
      const { lt } = await launchFromSandbox(tool, {
        classId: cls.classId,
        userId: cls.teacher.id,
        linkId: (await sandbox.links(cls.classId))[0].id,
        locale: lang,
      });
      const teacher = new PlayerClient(tool, lt, lang);
      for (const module of modules) {
        const guide = await teacher.get(`/teach/class/guide?module=${module.id}`);
        expect(guide.status).toBe(200);
        expect(decodeHtml(guide.text)).toContain(`aria-current="page">${module.title[lang]}<`);
        expect(guide.text).toMatch(/<table>[\s\S]*<table>/); // the lesson plan and the quick version
        // A guide for Vietnamese schools may give the Vietnamese name of a hotline or a law.
        for (const problem of problemsOf(guide.text, lang, true)) {
          problems.push({ url: `${module.id} teacher guide`, problem });
        }
      }
      expect(problems).toEqual([]);
    },
  );
});

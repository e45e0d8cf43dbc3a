import { CatalogService } from '@lib/curricula';
import { bindSandbox, decodeHtml, startLtiTool, TestBrowser } from '../support/lti-fixtures';

type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;

// The seeded demo (as `npm start` runs it) on the shared machine: seeding takes a while.
jest.setTimeout(180_000);

/**
 * What a newcomer sees after `npm start`: the sandbox LMS's demo classes each come with one
 * graded lesson of their age band, and the first page of the sandbox opens it as a pupil or as
 * the teacher in one click.
 */
describe('Sandbox LMS demo: a real lesson launch from the first page', () => {
  let tool: LtiTool;

  beforeAll(async () => {
    tool = await startLtiTool({ env: { DEMO_SEED: 'true' } });
    await bindSandbox(tool, 'DEMO-P01');
  });
  afterAll(() => tool?.close());

  /** The "Open" button beside `name` in the class card of `classId` on the sandbox home. */
  function openHref(home: string, classId: string, label: string): string {
    const card = home.slice(home.indexOf(`id='cls-${classId}'`));
    const button = new RegExp(`href='([^']+)' aria-label='${label}'`).exec(card);
    if (!button) {
      throw new Error(`no "${label}" button for ${classId}`);
    }
    return decodeHtml(button[1]);
  }

  it('gives every demo class one graded lesson of its band, with its line item', async () => {
    const catalog = tool.get<CatalogService>(CatalogService);
    const expected: Record<string, string> = {
      'demo-demo-s01': 'upper-primary',
      'demo-demo-s02': 'lower-secondary',
      'demo-demo-s03': 'upper-primary',
      'demo-demo-s04': 'upper-secondary',
    };
    for (const [classId, band] of Object.entries(expected)) {
      const links = await tool.sandbox.links(classId);
      expect(links).toHaveLength(1);
      const module = catalog.get(String(links[0].custom.module_id));
      expect(module.band).toBe(band);
      expect(links[0].title).toBe(module.title.vi);
      expect(links[0].lineItemId).toBeTruthy();
    }
    // A restart seeds nothing twice and keeps what was added since.
    await tool.sandbox.addLink('demo-demo-s01', 'Added later', 'up-strong-passwords', 5);
    await tool.sandbox.seedDemo();
    expect(await tool.sandbox.links('demo-demo-s01')).toHaveLength(2);
  });

  it('opens the lesson as a pupil, and the class dashboard as the teacher, from the home page', async () => {
    const members = await tool.sandbox.members('demo-demo-s02');
    const pupil = members.find((m) => m.role === 'student')!;
    const teacher = members.find((m) => m.role === 'teacher')!;
    const [link] = await tool.sandbox.links('demo-demo-s02');
    const catalog = tool.get<CatalogService>(CatalogService);
    const title = catalog.get(String(link.custom.module_id)).title.en;

    const browser = new TestBrowser(tool.url);
    const home = await browser.get('/sandbox?lang=en');
    expect(home.status).toBe(200);
    expect(decodeHtml(home.text)).toContain(`Lesson: <strong>${link.title}</strong>`);

    const start = await browser.get(openHref(home.text, 'demo-demo-s02', `Open as ${pupil.name}`));
    const launched = await browser.follow(
      start,
      (r) => r.url.endsWith('/lti/launch') && r.location !== undefined,
    );
    // The launch answers with the lesson itself (ADR 0107), which names its own address.
    expect(launched.status).toBe(200);
    expect(launched.location).toMatch(/^\/play\/ls-account-security\?lt=/);
    expect(decodeHtml(launched.text)).toContain(title);
    const page = await browser.get(launched.location!);
    expect(page.status).toBe(200);
    expect(decodeHtml(page.text)).toContain(title);

    const asTeacher = await browser.follow(
      await browser.get(openHref(home.text, 'demo-demo-s02', `Open as ${teacher.name}`)),
      (r) => r.url.endsWith('/lti/launch') && r.location !== undefined,
    );
    expect(asTeacher.location).toMatch(/^\/teach\/class\?lt=/);
  });
});

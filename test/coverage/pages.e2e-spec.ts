import { vnToday, addDays } from '@lib/campaigns';
import { AuthService, Role } from '@lib/core';
import { OrgImportService, OrgsService, OrgType } from '@lib/orgs';
import { INestApplicationContext } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import {
  createCoverageTenant,
  CoverageTenant,
  csrfOf,
  download,
  gql,
  signedIn,
} from '../support/coverage-fixtures';
import { signIn, TEST_PASSWORD } from '../support/fixtures';
import { AxeFinding, axeCheck, launchChromium } from '../support/player-browser';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

type Who = { id: string; email: string; cookies: string[] };

const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`;
/** Attribute values as the browser reads them (Handlebars escapes `=` and `&`). */
const unescape = (html: string): string => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const rowsOf = (html: string, tableId: string): number => {
  const start = html.indexOf(`id='${tableId}'`);
  const table = html.slice(start, html.indexOf('</table>', start));
  return (table.match(/<tr>\s*<th scope='row'>/g) ?? []).length;
};

/**
 * The coverage pages as officials and school admins use them: long lists in pages, empty
 * states, the import's sample and error files, exceptions in the audit trail, both languages,
 * and an axe-core check of every page kind in headless Chromium.
 */
describe('Coverage pages: pagination, empty states, import files, languages, accessibility', () => {
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let t: CoverageTenant;
  let province: Who;
  let commune: Who;
  let school: Who;
  let campaignId: string;
  let bigCommuneId: string;
  let badImportId: string;
  const today = vnToday();

  beforeAll(async () => {
    tool = await startTool();
    if (usesRedis()) {
      worker = await startWorker();
    }
    t = await createCoverageTenant(tool);
    province = await signedIn(tool, Role.OFFICIAL, t.province.id);
    commune = await signedIn(tool, Role.OFFICIAL, t.commune.id);
    school = await signedIn(tool, Role.SCHOOL_ADMIN, t.school.id);
    // A ward with 62 primary schools, through the importer (as a province official would).
    const lines = ['code,name,type,parent_code,levels'];
    lines.push(`BIG-${t.suffix},Phường Lớn ${t.suffix},commune,${t.province.code},`);
    for (let i = 0; i < 62; i++) {
      const n = String(i).padStart(2, '0');
      lines.push(`BIG-${t.suffix}-${n},Trường Tiểu học số ${n},school,BIG-${t.suffix},primary`);
    }
    const imports = tool.get<OrgImportService>(OrgImportService);
    const row = await imports.start({
      rootNodeId: t.province.id,
      fileName: 'ward.csv',
      content: Buffer.from(lines.join('\n')),
      dryRun: false,
    });
    const done = await eventually(async () => {
      const r = await imports.get(row.id);
      return r.status === 'done' ? r : null;
    });
    expect(done.created).toBe(63);
    bigCommuneId = (await tool.get<OrgsService>(OrgsService).idOfCode(`BIG-${t.suffix}`))!;
    const res = await gql<{ createCampaign: { id: string } }>(tool, province.cookies, CREATE, {
      input: {
        name: 'Học kỳ I 2026–2027',
        scopeNodeId: t.province.id,
        periodKind: 'semester',
        periodStart: addDays(today, -20),
        periodEnd: addDays(today, 40),
        orgTypes: ['SCHOOL', 'FACILITY'],
        requirements: [{ band: 'upper-primary', minModules: 1, minShare: 0.5 }],
        dueDays: 10,
        lockDays: 20,
        reminderDays: [7],
      },
    });
    expect(res.errors).toBeUndefined();
    campaignId = res.data!.createCampaign.id;
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
  });

  const page = (who: Who, path: string) =>
    tool.http.get(path).set('Cookie', who.cookies).set('Accept', 'text/html');

  it('pages the units below a node and the never-reported list, keeping the other parameters', async () => {
    const base = `/coverage/campaigns/${campaignId}/nodes/${bigCommuneId}`;
    const first = await page(province, `${base}?lang=en`).expect(200);
    expect(rowsOf(first.text, 'page')).toBe(50);
    expect(first.text).toContain('1–50 of 62');
    expect(first.text).toContain('Never reported (62)');
    expect(unescape(first.text)).toContain(`href='${base}?lang=en&page=2#page'`);
    expect(unescape(first.text)).toContain(`href='${base}?lang=en&never=2#never'`);
    const table = (html: string): string =>
      html.slice(html.indexOf("id='page'"), html.indexOf('</table>', html.indexOf("id='page'")));
    expect(table(first.text)).toContain('Trường Tiểu học số 00');
    expect(table(first.text)).not.toContain('Trường Tiểu học số 55');
    const second = await page(province, `${base}?lang=en&page=2`).expect(200);
    expect(rowsOf(second.text, 'page')).toBe(12);
    expect(second.text).toContain('51–62 of 62');
    expect(table(second.text)).toContain('Trường Tiểu học số 61');
    expect(table(second.text)).not.toContain('Trường Tiểu học số 00');
    expect(unescape(second.text)).toContain(`href='${base}?lang=en&page=1#page'`);
    // out of range or nonsense: the nearest page, not an error
    expect((await page(province, `${base}?page=99&lang=en`).expect(200)).text).toContain(
      '51–62 of 62',
    );
    expect((await page(province, `${base}?page=abc&lang=en`).expect(200)).text).toContain(
      '1–50 of 62',
    );
    // the never-reported pages are disjoint and together list every school of the ward
    const neverNames = (html: string): string[] => {
      const list = html.slice(html.indexOf("id='never'"));
      return [...list.slice(0, list.indexOf('</ul>')).matchAll(/Trường Tiểu học số \d+/g)].map(
        (m) => m[0],
      );
    };
    const never1 = neverNames(first.text);
    const never2 = await page(province, `${base}?lang=vi&never=2`).expect(200);
    expect(never1).toHaveLength(50);
    expect(neverNames(never2.text)).toHaveLength(12);
    expect(new Set([...never1, ...neverNames(never2.text)]).size).toBe(62);
    expect(never2.text).toContain('51–62 trên 62');
  });

  it('shows empty states instead of blank sections', async () => {
    const auth = tool.get<AuthService>(AuthService);
    const email = `nobody-${randomBytes(4).toString('hex')}@example.test`;
    await auth.createAccount({ email, displayName: 'Nobody', password: TEST_PASSWORD });
    const nobody = await signIn(tool, email);
    const index = await tool.http.get('/coverage?lang=en').set('Cookie', nobody).expect(200);
    expect(index.text).toContain('Your account has no school-admin or official role');
    // a commune of the province with no unit in the campaign
    const empty = await tool.get<OrgsService>(OrgsService).create({
      code: `EMPTY-${t.suffix}`,
      name: 'Empty ward',
      type: OrgType.COMMUNE,
      parentCode: t.province.code,
    });
    const view = await page(
      province,
      `/coverage/campaigns/${campaignId}/nodes/${empty.id}?lang=en`,
    ).expect(200);
    expect(view.text).toContain('No unit below this one is expected to report');
    expect(view.text).toContain('Never reported (0)');
    const own = await page(
      school,
      `/coverage/campaigns/${campaignId}/nodes/${t.school.id}?lang=en`,
    ).expect(200);
    expect(own.text).toContain('No offline session recorded yet.');
    const idx = await page(school, '/coverage?lang=vi').expect(200);
    expect(idx.text).toContain('Học kỳ I 2026–2027');
  });

  it('records an entry extension granted from above in the audit trail', async () => {
    const csrf = await csrfOf(tool, commune.cookies, '/account');
    const path = `/coverage/campaigns/${campaignId}/nodes/${t.school.id}/exception`;
    // the school cannot extend its own entry
    await tool.http
      .post(path)
      .set('Cookie', school.cookies)
      .set('Accept', 'text/html')
      .type('form')
      .send({
        _csrf: await csrfOf(tool, school.cookies, '/account'),
        until: addDays(today, 90),
        reason: 'x',
      })
      .expect(403);
    await tool.http
      .post(path)
      .set('Cookie', commune.cookies)
      .type('form')
      .send({ _csrf: csrf, until: addDays(today, 90), reason: 'Trường bị ngập lụt' })
      .expect(303);
    const bad = await tool.http
      .post(path)
      .set('Cookie', commune.cookies)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: csrf, until: 'soon', reason: 'x' });
    expect(bad.status).toBe(400);
    const view = await page(
      commune,
      `/coverage/campaigns/${campaignId}/nodes/${t.school.id}?lang=en`,
    ).expect(200);
    expect(view.text).toContain('Entry extended');
    expect(view.text).toContain(`${addDays(today, 90)}: Trường bị ngập lụt`);
  });

  it('offers a sample file, and the error report of a bad file as CSV, by line and column', async () => {
    const sample = await download(tool, province.cookies, '/coverage/orgs/import/sample.csv');
    const rows: string[][] = parse(sample.body, { bom: true });
    expect(rows[0]).toEqual(['code', 'name', 'type', 'parent_code', 'levels', 'effective_from']);
    expect(rows.length).toBeGreaterThan(2);
    const bad = [
      'code,name,type,parent_code,levels',
      `X1-${t.suffix},Trường A,school,NOPE-${t.suffix},primary`,
      `X2-${t.suffix},,school,${t.commune.code},primary`,
      `X3-${t.suffix},Trường C,castle,${t.commune.code},`,
    ].join('\n');
    const imports = tool.get<OrgImportService>(OrgImportService);
    const row = await imports.start({
      rootNodeId: t.province.id,
      fileName: 'bad.csv',
      content: Buffer.from(bad),
      dryRun: true,
    });
    badImportId = row.id;
    const finished = await eventually(async () => {
      const r = await imports.get(row.id);
      return r.status === 'invalid' ? r : null;
    });
    expect(finished.errorCount).toBeGreaterThanOrEqual(3);
    const status = await page(province, `/coverage/orgs/imports/${row.id}?lang=en`).expect(200);
    expect(status.text).toContain(`/coverage/orgs/imports/${row.id}/errors.csv?lang=en`);
    expect(status.text).toMatch(
      /<progress id='import-progress' max='3' value='3'>100%<\/progress>/,
    );
    const csv = await download(
      tool,
      province.cookies,
      `/coverage/orgs/imports/${row.id}/errors.csv?lang=en`,
    );
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="import-errors-/);
    const errs: string[][] = parse(csv.body, { bom: true });
    expect(errs[0]).toEqual(['Line', 'Column', 'Reason', 'Value']);
    const byLine = new Map(errs.slice(1).map((e) => [e[0], e]));
    expect(byLine.get('2')?.[1]).toBe('parent_code');
    expect(byLine.get('3')?.[1]).toBe('name');
    expect(byLine.get('4')?.[1]).toBe('type');
    expect(byLine.get('4')?.[3]).toBe('castle');
    // another province's official gets neither the page nor the file
    const other = await signedIn(tool, Role.OFFICIAL, t.otherProvince.id);
    await page(other, `/coverage/orgs/imports/${row.id}/errors.csv`).expect(403);
    const vi = await download(
      tool,
      province.cookies,
      `/coverage/orgs/imports/${row.id}/errors.csv?lang=vi`,
    );
    expect(parse(vi.body, { bom: true })[0]).toEqual(['Dòng', 'Cột', 'Lý do', 'Giá trị']);
  });

  describe('in headless Chromium', () => {
    let browser: Browser;
    const found: AxeFinding[] = [];
    const seen = new Set<string>();

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    const session = async (who: Who) => {
      const context = await browser.newContext({ viewport: { width: 1024, height: 800 } });
      await context.addCookies(
        who.cookies.map((c) => {
          const [pair] = c.split(';');
          const eq = pair.indexOf('=');
          return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: tool.url };
        }),
      );
      return context.newPage();
    };

    it('has no serious or critical axe-core finding on any coverage page, in both languages', async () => {
      const official = await session(province);
      const admin = await session(school);
      const checks: [typeof official, string, string][] = [
        [official, 'index', '/coverage'],
        [
          official,
          'province dashboard',
          `/coverage/campaigns/${campaignId}/nodes/${t.province.id}`,
        ],
        [
          official,
          'commune dashboard (paged)',
          `/coverage/campaigns/${campaignId}/nodes/${bigCommuneId}?page=2`,
        ],
        [official, 'new campaign', `/coverage/campaigns/new?node=${t.province.id}`],
        [official, 'import form', '/coverage/orgs/import'],
        [official, 'import errors', `/coverage/orgs/imports/${badImportId}`],
        [
          admin,
          'school dashboard with forms',
          `/coverage/campaigns/${campaignId}/nodes/${t.school.id}`,
        ],
      ];
      for (const lang of ['vi', 'en']) {
        for (const [p, label, path] of checks) {
          const url = `${tool.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
          const res = await p.goto(url);
          expect(res?.status()).toBe(200);
          expect(await p.getAttribute('html', 'lang')).toBe(lang);
          await axeCheck(p, `${label} (${lang})`, found, seen);
        }
      }
      expect(seen.size).toBe(checks.length * 2);
      expect(found).toEqual([]);
    }, 240_000); // 14 page loads with axe on two shared, busy cores

    it('draws the chart from the page data with the local chart.js (no blocked script)', async () => {
      const p = await session(province);
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => {
        if (m.type() === 'error') {
          errors.push(m.text());
        }
      });
      await p.goto(`${tool.url}/coverage/campaigns/${campaignId}/nodes/${t.province.id}?lang=en`);
      await p.waitForFunction(() => {
        const c = document.getElementById('coverage-chart') as HTMLCanvasElement | null;
        const chart = (window as unknown as { Chart?: { getChart(c: unknown): unknown } }).Chart;
        return Boolean(c && chart?.getChart(c));
      });
      expect(errors).toEqual([]);
    });
  });
});

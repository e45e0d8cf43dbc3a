import { AuthService, Role } from '@lib/core';
import { OrgsService, OrgType } from '@lib/orgs';
import {
  AuditAction,
  ConcernAuditService,
  ConcernCategory,
  ConcernReportEntity,
  ConcernReportsService,
  ConcernSource,
  ContactMethod,
  ReporterRelation,
  RetentionJob,
} from '@lib/safeguarding';
import { createAccount, createTenant, Tenant, TEST_PASSWORD } from '../support/fixtures';
import { TestBrowser } from '../support/lti-fixtures';
import { gql, hiddenFields, signInBrowser } from '../support/safeguarding-fixtures';
import { startTool, TestTool } from '../support/test-app';

const input = (n: number) => ({
  category: ConcernCategory.CONDUCT,
  imminentDanger: false,
  description: `Report number ${n}`,
  platform: '',
  url: '',
  when: '',
  involved: '',
  relation: ReporterRelation.PARENT,
  contactMethod: ContactMethod.NONE,
  email: '',
  phone: '',
  contactNote: '',
  reporterName: '',
});

/** Above school level only counts, small cells hidden; closed reports are erased in time. */
describe('Concern indicators and retention', () => {
  let tool: TestTool;
  let tenant: Tenant;
  const schools: string[] = [];
  const communes: string[] = [];

  const file = async (schoolOrgNodeId: string, count: number) => {
    const reports = tool.get<ConcernReportsService>(ConcernReportsService);
    const ids: { id: string; reference: string }[] = [];
    for (let i = 0; i < count; i++) {
      const r = await reports.create({
        source: ConcernSource.WEB,
        schoolOrgNodeId,
        input: input(i),
        lang: 'vi',
      });
      ids.push({ id: r.report.id, reference: r.reference! });
    }
    return ids;
  };

  beforeAll(async () => {
    tool = await startTool();
    tenant = await createTenant(tool);
    const orgs = tool.get<OrgsService>(OrgsService);
    communes.push(tenant.commune.id);
    schools.push(tenant.school.id);
    for (const n of [2, 3]) {
      const c = await orgs.create({
        code: `C${n}-${tenant.suffix}`,
        name: `Commune ${n} ${tenant.suffix}`,
        type: OrgType.COMMUNE,
        parentCode: tenant.province.code,
      });
      const s = await orgs.create({
        code: `S${n}b-${tenant.suffix}`,
        name: `School ${n}b ${tenant.suffix}`,
        type: OrgType.SCHOOL,
        parentCode: c.code,
      });
      communes.push(c.id);
      schools.push(s.id);
    }
    // 12, 3 and 25 reports in the three communes.
    await file(schools[0], 12);
    await file(schools[1], 3);
    await file(schools[2], 25);
  });
  afterAll(() => tool.close());

  it('shows an official only counts per commune, with small cells and their complement hidden', async () => {
    const official = await createAccount(tool, Role.OFFICIAL, tenant.province.id);
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, official.email, TEST_PASSWORD);
    const cookies = [...browser.cookies].map(([k, v]) => `${k}=${v}`);
    const res = await gql(
      tool.url,
      cookies,
      'query($id: ID!) { concernIndicators(orgNodeId: $id) { suppressed threshold rows { orgNodeId reports handledInTime referred } total { reports } } }',
      { id: tenant.province.id },
    );
    const ind = res.data!.concernIndicators as {
      suppressed: boolean;
      rows: { orgNodeId: string; reports: number | null }[];
      total: { reports: number | null };
    };
    expect(ind.suppressed).toBe(true);
    const byCommune = new Map(ind.rows.map((r) => [r.orgNodeId, r.reports]));
    expect(byCommune.get(communes[1])).toBeNull(); // 3 < 10
    expect(byCommune.get(communes[0])).toBeNull(); // 12, hidden so 3 cannot be worked out
    expect(byCommune.get(communes[2])).toBe(25);
    expect(ind.total.reports).toBe(40);

    const page = await browser.get(`/safeguarding/indicators?org=${tenant.province.id}&lang=en`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Cells under 10 are hidden');
    expect(page.text).toContain('<td>25</td>');
    expect(page.text).toContain('<td>hidden</td>');
    expect(page.text).not.toContain('Report number');
    // An official is no lead: no queue, no report.
    expect((await browser.get('/safeguarding')).status).toBe(403);
  });

  it("shows a school's lead their own figures plainly, and refuses a teacher", async () => {
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, schools[1]);
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, lead.email, TEST_PASSWORD);
    const page = await browser.get(`/safeguarding/indicators?org=${schools[1]}&lang=en`);
    expect(page.text).toContain('Your school&#x27;s own figures, not suppressed.');
    expect(page.text).toContain('<td>3</td>');
    const teacher = await createAccount(tool, Role.TEACHER, schools[1]);
    const tb = new TestBrowser(tool.url);
    await signInBrowser(tb, teacher.email, TEST_PASSWORD);
    expect((await tb.get(`/safeguarding/indicators?org=${schools[1]}`)).status).toBe(403);
  });

  it('erases closed reports after the retention period, and on request, keeping the counts', async () => {
    const [old, asked] = await file(schools[0], 2);
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, schools[0]);
    const principal = await tool
      .get<AuthService>(AuthService)
      .principalOf((await tool.get<AuthService>(AuthService).findByEmail(lead.email))!);
    const reports = tool.get<ConcernReportsService>(ConcernReportsService);
    for (const r of [old, asked]) {
      await reports.transition(principal, r.id, { to: 'closed' as never, note: 'Handled' });
    }
    const repo = tool.dataSource.getRepository(ConcernReportEntity);
    await repo.update(
      { id: old.id },
      {
        closedAt: new Date(Date.now() - (tool.config.safeguarding.retentionDays + 1) * 86_400_000),
      },
    );
    await tool.get<RetentionJob>(RetentionJob).run();
    const erased = await repo.findOneByOrFail({ id: old.id });
    expect(erased).toMatchObject({
      detailsEncrypted: null,
      contactEncrypted: null,
      outcomeEncrypted: null,
      referenceIndex: null,
      state: 'closed',
    });
    expect(erased.erasedAt).toBeTruthy();
    expect((await repo.findOneByOrFail({ id: asked.id })).detailsEncrypted).toBeTruthy();
    expect(await reports.statusByReference(old.reference)).toBeNull();
    const notes = await tool.dataSource.query(
      `SELECT COUNT(*) AS n FROM concern_note WHERE report_id = ${tool.config.database.type === 'postgres' ? '$1' : '?'}`,
      [old.id],
    );
    expect(Number(notes[0].n)).toBe(0);
    const trail = await tool.get<ConcernAuditService>(ConcernAuditService).forReport(old.id);
    expect(trail[trail.length - 1]).toMatchObject({
      action: AuditAction.ERASED,
      actorKind: 'system',
    });

    // On request, from the report page.
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, lead.email, TEST_PASSWORD);
    const page = await browser.get(`/safeguarding/reports/${asked.id}?lang=en`);
    expect(page.text).toContain('Report number 1');
    const res = await browser.post(`/safeguarding/reports/${asked.id}/erase?lang=en`, {
      ...hiddenFields(page.text, `/safeguarding/reports/${asked.id}/erase`),
    });
    expect(res.status).toBe(303);
    const after = await browser.get(`/safeguarding/reports/${asked.id}?lang=en`);
    expect(after.text).toContain('The content of this report has been erased.');
    expect(after.text).not.toContain('Report number 1');

    // Counts stay whole: 12 + 2 in the first commune's school.
    const own = await browser.get(`/safeguarding/indicators?org=${schools[0]}&lang=en`);
    expect(own.text).toContain('<td>14</td>');
  });

  it('lets a reporter take back their contact details with the code; the lead still has the report', async () => {
    const reports = tool.get<ConcernReportsService>(ConcernReportsService);
    const created = await reports.create({
      source: ConcernSource.WEB,
      schoolOrgNodeId: schools[2],
      input: {
        ...input(99),
        contactMethod: ContactMethod.EMAIL,
        email: 'withdraw-me@example.test',
        reporterName: 'Nguyen Thi Withdraw',
      },
      lang: 'en',
    });
    const parent = new TestBrowser(tool.url);
    const page = await parent.get('/help/status?lang=en');
    const status = await parent.post('/help/status?lang=en', {
      ...hiddenFields(page.text),
      code: created.reference!,
    });
    expect(status.text).toContain('Remove my contact details');
    const res = await parent.post('/help/status/forget-contact?lang=en', {
      ...hiddenFields(status.text, '/help/status/forget-contact'),
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Your contact details and name have been deleted.');
    expect(res.text).not.toContain('Remove my contact details');
    const row = await tool.dataSource
      .getRepository(ConcernReportEntity)
      .findOneByOrFail({ id: created.report.id });
    expect(row).toMatchObject({ contactMethod: 'none', contactEncrypted: null });
    const dump = JSON.stringify(await tool.dataSource.query('SELECT * FROM concern_report'));
    expect(dump).not.toContain('withdraw-me');

    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, schools[2]);
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, lead.email, TEST_PASSWORD);
    const report = await browser.get(`/safeguarding/reports/${created.report.id}?lang=en`);
    expect(report.text).toContain('Report number 99');
    expect(report.text).not.toContain('withdraw-me@example.test');
    expect(report.text).not.toContain('Nguyen Thi Withdraw');
    expect(report.text).toContain('Reporter withdrew their contact details');
    // A second try (or an unknown code) changes nothing and says so.
    const again = await parent.post('/help/status/forget-contact?lang=en', {
      ...hiddenFields(page.text),
      code: created.reference!,
    });
    expect(again.status).toBe(404);
  });

  it("keeps no fingerprint of an erased report's body", async () => {
    const [r] = await file(schools[0], 1);
    const repo = tool.dataSource.getRepository(ConcernReportEntity);
    await repo.update({ id: r.id }, { requestIndex: 'f'.repeat(64) });
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, schools[0]);
    const auth = tool.get<AuthService>(AuthService);
    const principal = await auth.principalOf((await auth.findByEmail(lead.email))!);
    const reports = tool.get<ConcernReportsService>(ConcernReportsService);
    await reports.transition(principal, r.id, { to: 'closed' as never });
    await reports.eraseOnRequest(principal, r.id);
    expect(await repo.findOneByOrFail({ id: r.id })).toMatchObject({
      requestIndex: null,
      detailsEncrypted: null,
    });
  });
});

import { JobEntity, Role } from '@lib/core';
import { OrgsService, OrgType } from '@lib/orgs';
import {
  AuditAction,
  ConcernAuditService,
  ConcernCategory,
  ConcernNotificationsService,
  ConcernReportEntity,
  ConcernReportsService,
  ConcernSource,
  ContactMethod,
  JOB_NOTIFY_LEAD,
  ReporterRelation,
} from '@lib/safeguarding';
import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { In } from 'typeorm';
import { createAccount, createTenant, Tenant, TEST_PASSWORD } from '../support/fixtures';
import { decodeHtml, TestBrowser } from '../support/lti-fixtures';
import {
  gql,
  hiddenFields,
  ReceivedMail,
  signInBrowser,
  smtpSink,
} from '../support/safeguarding-fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

const input = (description: string, imminentDanger = false) => ({
  category: ConcernCategory.CONTACT,
  imminentDanger,
  description,
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

/**
 * The case handler's side beyond the happy path: notifications that are retried but never sent
 * twice, a school with nobody named lead, a lead handing a case up, refused looks recorded, and
 * a long queue in pages.
 */
describe('Concern notifications, hand-off and the queue in pages', () => {
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let tenant: Tenant;
  const marker = `MARK${randomBytes(5).toString('hex')}`;

  /** The app that runs jobs: the worker with Bull, the tool itself with the inline queue. */
  const runner = () => worker ?? tool.app;
  const mailsTo = (to: string): ReceivedMail[] => sink.received.filter((m) => m.to.includes(to));
  const file = async (schoolOrgNodeId: string, text: string, danger = false) =>
    (
      await tool.get<ConcernReportsService>(ConcernReportsService).create({
        source: ConcernSource.WEB,
        schoolOrgNodeId,
        input: input(text, danger),
        lang: 'en',
      })
    ).report.id;
  const trail = (id: string) => tool.get<ConcernAuditService>(ConcernAuditService).forReport(id);
  const jobsDone = (ids: string[]) =>
    eventually(async () => {
      const rows = await tool.dataSource.getRepository(JobEntity).findBy({ id: In(ids) });
      return rows.length === ids.length && rows.every((r) => r.status === 'done') && rows;
    });

  beforeAll(async () => {
    sink = await smtpSink();
    const env = { SMTP_URL: sink.url };
    tool = await startTool({ env });
    if (usesRedis()) {
      worker = await startWorker({ env });
    }
    tenant = await createTenant(tool);
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
    await sink.close();
  });

  it('tells the school admins, without content, when nobody is named lead — and the lead named later finds it first', async () => {
    const admin = await createAccount(tool, Role.SCHOOL_ADMIN, tenant.otherSchool.id);
    const id = await file(tenant.otherSchool.id, `Nobody to read this ${marker}`, true);
    const mail = await eventually(async () => mailsTo(admin.email)[0]);
    expect(mail.subject).toContain('no safeguarding lead named');
    expect(mail.text).toContain(tenant.otherSchool.name);
    expect(mail.text).toContain('in danger right now');
    expect(mail.raw).not.toContain(marker);
    const row = await tool.dataSource.getRepository(ConcernReportEntity).findOneByOrFail({ id });
    expect(row.escalationExhausted).toBe(true);
    await eventually(async () =>
      (await trail(id)).some((e) => e.action === AuditAction.ADMIN_ALERTED && e.actorId === null),
    );

    // The admin still cannot read it; a lead named now sees it at the top of the queue.
    const adminBrowser = new TestBrowser(tool.url);
    await signInBrowser(adminBrowser, admin.email, TEST_PASSWORD);
    expect((await adminBrowser.get(`/safeguarding/reports/${id}`)).status).toBe(403);
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.otherSchool.id);
    const leadBrowser = new TestBrowser(tool.url);
    await signInBrowser(leadBrowser, lead.email, TEST_PASSWORD);
    const queue = await leadBrowser.get('/safeguarding?lang=en');
    expect(queue.text).toContain(`/safeguarding/reports/${id}`);
    expect(queue.text).toContain('URGENT');
    // Operators can alert on it: counts only, read from the database at scrape time.
    const metrics = (await tool.http.get('/metrics').expect(200)).text;
    const gauge = (kind: string) =>
      Number(new RegExp(`safenest_concern_reports\\{kind="${kind}"\\} (\\d+)`).exec(metrics)?.[1]);
    expect(gauge('unassigned')).toBeGreaterThanOrEqual(1);
    expect(gauge('urgent')).toBeGreaterThanOrEqual(1);
    expect(gauge('waiting')).toBeGreaterThanOrEqual(gauge('unassigned'));
    expect(metrics).not.toContain(id);
  });

  it('retries a lead notification after a temporary SMTP failure and after a failure behind it, sending it once', async () => {
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.school.id);
    // 1. The mail server answers 451 to the first try.
    sink.failNext(1);
    const first = await file(tenant.school.id, `First ${marker}`);
    await eventually(async () => mailsTo(lead.email).find((m) => m.text.includes(first)));
    expect(sink.refused).toBe(1);

    // 2. The e-mail goes out, then writing its audit entry fails: the retry must not resend.
    const audit = runner().get(ConcernAuditService);
    const original = audit.append.bind(audit);
    let failures = 0;
    const spy = jest.spyOn(audit, 'append').mockImplementation(async (entries, manager) => {
      const list = Array.isArray(entries) ? entries : [entries];
      if (failures === 0 && list.some((e) => e.action === AuditAction.LEAD_NOTIFIED)) {
        failures++;
        throw new Error('database hiccup after the send');
      }
      return original(entries, manager);
    });
    let second = '';
    try {
      second = await file(tenant.school.id, `Second ${marker}`);
      await eventually(async () =>
        (await trail(second)).some((e) => e.action === AuditAction.LEAD_NOTIFIED),
      );
    } finally {
      spy.mockRestore();
    }
    expect(failures).toBe(1);

    // 3. The same job woken twice more (a duplicate delivery, a second worker): nothing new.
    const level = 0;
    const again = [
      await tool.queue.enqueue(JOB_NOTIFY_LEAD, { reportId: second, level, accountId: lead.id }),
      await tool.queue.enqueue(JOB_NOTIFY_LEAD, { reportId: second, level, accountId: lead.id }),
    ];
    await jobsDone(again);

    for (const id of [first, second]) {
      expect(mailsTo(lead.email).filter((m) => m.text.includes(id))).toHaveLength(1);
      const notified = (await trail(id)).filter((e) => e.action === AuditAction.LEAD_NOTIFIED);
      expect(notified).toHaveLength(1);
      const [row] = await runner().get(ConcernNotificationsService).forReport(id);
      expect(row).toMatchObject({ kind: 'lead', status: 'sent', audited: true });
    }
    const [firstRow] = await tool
      .get<ConcernNotificationsService>(ConcernNotificationsService)
      .forReport(first);
    expect(firstRow.attempts).toBe(2);
    expect(JSON.stringify(await trail(second))).not.toContain(marker);
  });

  it('lets a lead hand a case up to the commune, whose lead is told and may read it; refusals are recorded', async () => {
    const schoolLead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.school.id);
    const id = await file(tenant.school.id, `About a teacher ${marker}`);
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, schoolLead.email, TEST_PASSWORD);

    // Nobody above yet: a clear refusal, nothing moves.
    let page = await browser.get(`/safeguarding/reports/${id}?lang=en`);
    expect(page.text).toContain('Hand over to the next level');
    const refused = await browser.post(`/safeguarding/reports/${id}/hand-off?lang=en`, {
      ...hiddenFields(page.text, `/safeguarding/reports/${id}/hand-off`),
      note: 'Needs the commune',
    });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Nobody above this level is named safeguarding lead');

    const communeLead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.commune.id);
    const communeBrowser = new TestBrowser(tool.url);
    await signInBrowser(communeBrowser, communeLead.email, TEST_PASSWORD);
    expect((await communeBrowser.get(`/safeguarding/reports/${id}`)).status).toBe(403);

    page = await browser.get(`/safeguarding/reports/${id}?lang=en`);
    const moved = await browser.post(`/safeguarding/reports/${id}/hand-off?lang=en`, {
      ...hiddenFields(page.text, `/safeguarding/reports/${id}/hand-off`),
      note: `It is about a member of staff ${marker}`,
    });
    expect(moved.status).toBe(303);
    const row = await tool.dataSource.getRepository(ConcernReportEntity).findOneByOrFail({ id });
    expect(row).toMatchObject({ escalationLevel: 1, escalatedToOrgNodeId: tenant.commune.id });
    const mail = await eventually(async () =>
      mailsTo(communeLead.email).find((m) => m.text.includes(id)),
    );
    expect(mail.text).toContain('has handed this report over to your level');
    expect(mail.raw).not.toContain(marker);
    const opened = await communeBrowser.get(`/safeguarding/reports/${id}?lang=en`);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain(`It is about a member of staff ${marker}`);
    // The school's lead still holds it too.
    expect((await browser.get(`/safeguarding/reports/${id}`)).status).toBe(200);

    const entries = await trail(id);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: AuditAction.HANDED_OFF, actorId: schoolLead.id }),
        expect.objectContaining({ action: AuditAction.ACCESS_REFUSED, actorId: communeLead.id }),
      ]),
    );
    // Over GraphQL too: another school's lead is refused and the refusal is in the trail.
    const other = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.otherSchool.id);
    const otherBrowser = new TestBrowser(tool.url);
    await signInBrowser(otherBrowser, other.email, TEST_PASSWORD);
    const res = await gql(
      tool.url,
      [...otherBrowser.cookies].map(([k, v]) => `${k}=${v}`),
      'mutation($id: ID!) { handOffConcern(id: $id) { id } }',
      { id },
    );
    expect(res.errors?.[0].extensions?.status).toBe(403);
    expect(
      (await trail(id)).filter(
        (e) => e.action === AuditAction.ACCESS_REFUSED && e.actorId === other.id,
      ),
    ).toHaveLength(1);
  });

  it('pages a long queue: urgent first across pages, totals, a page past the end, an empty queue', async () => {
    // A school of its own, so the counts are exact.
    const fresh = await tool.get<OrgsService>(OrgsService).create({
      code: `PG-${tenant.suffix}`,
      name: `Paged school ${tenant.suffix}`,
      type: OrgType.SCHOOL,
      parentCode: tenant.commune.code,
    });
    const lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, fresh.id);
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, lead.email, TEST_PASSWORD);
    const empty = await browser.get('/safeguarding?lang=en');
    expect(empty.text).toContain('No reports waiting.');
    expect(empty.text).not.toContain('sg-pager');

    const ids: string[] = [];
    for (let i = 0; i < 54; i++) {
      ids.push(await file(fresh.id, `Routine ${i}`));
    }
    const urgent = await file(fresh.id, 'Urgent one', true);

    const page1 = await browser.get('/safeguarding?lang=en');
    const links = (html: string) =>
      [...html.matchAll(/href="\/safeguarding\/reports\/([0-9a-f-]{36})/g)].map((m) => m[1]);
    expect(links(page1.text)).toHaveLength(50);
    expect(links(page1.text)[0]).toBe(urgent);
    expect(page1.text).toContain('Page 1 of 2 (55 reports)');
    expect(decodeHtml(page1.text)).toContain('href="/safeguarding?page=2&lang=en" rel="next"');
    const page2 = await browser.get('/safeguarding?page=2&lang=en');
    expect(links(page2.text)).toHaveLength(5);
    expect(new Set([...links(page1.text), ...links(page2.text)]).size).toBe(55);
    const beyond = await browser.get('/safeguarding?page=9&lang=en');
    expect(beyond.status).toBe(200);
    expect(beyond.text).toContain('There are no reports on this page.');
    expect((await browser.get('/safeguarding?page=abc&lang=en')).status).toBe(200);

    const cookies = [...browser.cookies].map(([k, v]) => `${k}=${v}`);
    const res = await gql(
      tool.url,
      cookies,
      '{ concernQueuePage(first: 10, offset: 50) { total offset limit items { id } } }',
    );
    expect(res.data!.concernQueuePage).toMatchObject({ total: 55, offset: 50, limit: 10 });
    expect((res.data!.concernQueuePage as { items: unknown[] }).items).toHaveLength(5);
    const capped = await gql(tool.url, cookies, '{ concernQueue(first: 5000) { id } }');
    expect(capped.data!.concernQueue as unknown[]).toHaveLength(55);
  });
});

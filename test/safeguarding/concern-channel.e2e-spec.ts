import { Role } from '@lib/core';
import {
  AuditAction,
  AuditActorKind,
  AuditVerifyCommand,
  ConcernAuditService,
  ConcernReportEntity,
  JOB_SLA_CHECK,
} from '@lib/safeguarding';
import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createAccount, createTenant, Tenant, TEST_PASSWORD } from '../support/fixtures';
import {
  bindSandbox,
  decodeHtml,
  launch,
  ltOf,
  sandboxClass,
  startLtiTool,
  TestBrowser,
} from '../support/lti-fixtures';
import {
  dumpDatabase,
  gql,
  hiddenFields,
  ReceivedMail,
  signInBrowser,
  smtpSink,
} from '../support/safeguarding-fixtures';
import { eventually, startWorker, usesRedis } from '../support/test-app';

type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;

const REF = /<code>([0-9A-Z]{5}-[0-9A-Z]{5})<\/code>/;

describe('Concern channel: from "I need help" to the outcome', () => {
  let tool: LtiTool;
  let worker: INestApplicationContext | undefined;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let tenant: Tenant;
  let lead: { email: string; id: string };
  let communeLead: { email: string; id: string };
  let otherLead: { email: string; id: string };
  let teacher: { email: string; id: string };
  const marker = `MARKER${randomBytes(6).toString('hex')}`;
  let pupilReportId = '';
  let parentReportId = '';
  let parentRef = '';

  const mailsTo = (to: string): ReceivedMail[] => sink.received.filter((m) => m.to.includes(to));
  const report = (id: string) =>
    tool.dataSource.getRepository(ConcernReportEntity).findOneByOrFail({ id });

  beforeAll(async () => {
    sink = await smtpSink();
    const env = { SMTP_URL: sink.url };
    tool = await startLtiTool({ env });
    if (usesRedis()) {
      worker = await startWorker({ env });
    }
    tenant = await createTenant(tool);
    await bindSandbox(tool, tenant.province.code);
    lead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.school.id);
    communeLead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.commune.id);
    otherLead = await createAccount(tool, Role.SAFEGUARDING_LEAD, tenant.otherSchool.id);
    teacher = await createAccount(tool, Role.TEACHER, tenant.school.id);
  });

  afterAll(async () => {
    await worker?.close();
    await tool.close();
    await sink.close();
  });

  it('gives staff launched from the LMS the adult form of their school, not the pupil one', async () => {
    const { cls, admin, teacher: lmsTeacher } = await sandboxClass(tool, tenant.school.code);
    const link = await tool.sandbox.addLink(cls.id, 'Online friends', 'up-online-friends', 10);
    for (const user of [admin, lmsTeacher]) {
      const staff = new TestBrowser(tool.url);
      const launched = await launch(staff, {
        classId: cls.id,
        userId: user.id,
        linkId: link.id,
        locale: 'en',
      });
      const lt = ltOf(launched.location);
      expect(lt).toBeTruthy();
      const form = await staff.get(`/help?lt=${encodeURIComponent(lt)}&lang=en`);
      expect(form.status).toBe(200);
      expect(decodeHtml(form.text)).toContain(
        `<h1 id="sg-title">Report a concern about a child's safety online</h1>`,
      );
      expect(form.text).toContain(tenant.school.name);
      // Not a pupil: no "talk to me at school", no LMS name carried into the report.
      expect(form.text).not.toContain('Yes, please talk to me at school');
      expect(form.text).not.toContain(user.name);
    }
    // The school overview's button says what it is for an adult.
    const school = new TestBrowser(tool.url);
    const asAdmin = await launch(school, {
      classId: cls.id,
      userId: admin.id,
      linkId: link.id,
      locale: 'en',
    });
    const overview = await school.get(asAdmin.location!);
    expect(overview.text).toMatch(/class="need-help" href="[^"]+">Report a concern about a child</);
    expect(overview.text).not.toContain('I need help');
  });

  it('takes a pupil report from the lesson player in their language and age band', async () => {
    const { cls, students } = await sandboxClass(tool, tenant.school.code);
    const link = await tool.sandbox.addLink(cls.id, 'Online friends', 'up-online-friends', 10);
    const pupil = new TestBrowser(tool.url);
    const launched = await launch(pupil, {
      classId: cls.id,
      userId: students[0].id,
      linkId: link.id,
      locale: 'en',
    });
    const lt = ltOf(launched.location);
    expect(lt).toBeTruthy();

    // The lesson page carries the "I need help" link with the launch token.
    const lesson = await pupil.get(launched.location!);
    expect(lesson.status).toBe(200);
    const helpHref = /href="(\/help\?[^"]+)"/.exec(lesson.text)?.[1];
    expect(helpHref && decodeHtml(helpHref)).toContain(`lt=${lt}`);
    const form = await pupil.get(decodeHtml(helpHref!));
    expect(form.status).toBe(200);
    // The school comes from the launch; the upper-primary tone; help at once; a link only.
    expect(form.text).toContain(tenant.school.name);
    expect(form.text).toContain('<h1 id="sg-title">I need help</h1>');
    expect(form.text).toContain('href="tel:111"');
    expect(form.text).toContain('href="tel:113"');
    expect(form.text).toContain('A link only, never pictures');
    expect(form.text).not.toContain('type="file"');
    expect(form.text).toContain('Yes, please talk to me at school');
    expect(form.text).toContain(`Your name in the online class: ${students[0].name}`);

    const sent = await pupil.post('/help?lang=en', {
      ...hiddenFields(form.text, '/help'),
      imminentDanger: 'no',
      category: 'contact',
      relation: 'self',
      description: `Someone keeps asking me for photos <script>alert("x")</script> ${marker}`,
      platform: 'ChatApp',
      url: 'https://chat.example/u/stranger',
      when: 'yesterday',
      involved: `stranger_${marker}`,
      contactMethod: 'at_school',
      reporterName: `Lan 4A ${marker}`,
      email: '',
      phone: '',
      contactNote: '',
    });
    expect(sent.status).toBe(201);
    expect(sent.text).toContain('Thank you for telling us!');
    expect(sent.text).toMatch(REF);
    // …and the way back to the lesson.
    expect(decodeHtml(sent.text)).toContain(`href="/play/up-online-friends?lt=${lt}"`);
    const rows = await tool.dataSource
      .getRepository(ConcernReportEntity)
      .find({ where: { schoolOrgNodeId: tenant.school.id, source: 'player' as never } });
    expect(rows).toHaveLength(1);
    pupilReportId = rows[0].id;
    expect(rows[0]).toMatchObject({ ageBand: 'upper-primary', lang: 'en', state: 'new' });
  });

  it("tells the school's lead that a report arrived, without any of its content", async () => {
    const mails = await eventually(
      async () => mailsTo(lead.email).length >= 1 && mailsTo(lead.email),
    );
    const mail = mails[0];
    expect(mail.subject).toContain('New concern report');
    expect(mail.text).toContain(tenant.school.name);
    expect(mail.text).toContain(`/safeguarding/reports/${pupilReportId}`);
    expect(mail.raw).not.toContain(marker);
    expect(mail.text).not.toMatch(/photos|ChatApp|stranger|Lan 4A/);
    // Only the school's lead: not the commune before escalation, not another school.
    expect(mailsTo(communeLead.email)).toHaveLength(0);
    expect(mailsTo(otherLead.email)).toHaveLength(0);
  });

  it('takes an anonymous parent report after finding the school by its code', async () => {
    const parent = new TestBrowser(tool.url);
    const chooser = await parent.get('/help?lang=vi');
    expect(chooser.text).toContain('Mã trường');
    expect(chooser.text).toContain('href="tel:111"');
    const byCode = await parent.get(`/help?code=${encodeURIComponent(tenant.school.code)}&lang=vi`);
    expect(byCode.status).toBe(303);
    const form = await parent.get(byCode.location!);
    expect(form.text).toContain('Báo cáo lo ngại về an toàn của trẻ trên mạng');
    expect(form.text).toContain(tenant.school.name);
    // Parents cannot ask to be found "at school": that is for pupils in the player.
    expect(form.text).not.toContain('value="at_school"');
    const sent = await parent.post('/help?lang=vi', {
      ...hiddenFields(form.text, '/help'),
      imminentDanger: 'yes',
      category: 'conduct',
      relation: 'parent',
      description: `Con tôi bị bắt nạt trong nhóm lớp ${marker}`,
      platform: 'Zalo',
      url: '',
      when: 'ongoing',
      involved: '',
      contactMethod: 'email',
      email: `parent-${marker.toLowerCase()}@example.test`,
      phone: '',
      contactNote: '',
      reporterName: '',
    });
    expect(sent.status).toBe(201);
    expect(sent.text).toContain('Đã nhận báo cáo');
    // In danger now: the call to 113 comes before the thanks.
    expect(sent.text.indexOf('hãy gọi Công an 113 ngay')).toBeGreaterThan(0);
    expect(sent.text.indexOf('hãy gọi Công an 113 ngay')).toBeLessThan(
      sent.text.indexOf('Đã nhận báo cáo</h1>'),
    );
    expect(sent.text.indexOf('href="tel:113"')).toBeLessThan(
      sent.text.indexOf('Đã nhận báo cáo</h1>'),
    );
    parentRef = REF.exec(sent.text)![1];
    const [row] = await tool.dataSource
      .getRepository(ConcernReportEntity)
      .find({ where: { schoolOrgNodeId: tenant.school.id, source: 'web' as never } });
    parentReportId = row.id;
    expect(row).toMatchObject({ imminentDanger: true, contactMethod: 'email', lang: 'vi' });
    // Urgent: half an hour to acknowledge, not a school day.
    expect(row.dueAt.getTime() - row.receivedAt.getTime()).toBe(30 * 60_000);
    const urgentMail = await eventually(async () =>
      mailsTo(lead.email).find((m) => m.text.includes(parentReportId)),
    );
    expect(urgentMail.subject).toContain('KHẨN');
    expect(urgentMail.raw).not.toContain(marker);
  });

  it('keeps no report text, name or contact in clear anywhere in the database', async () => {
    const dump = await dumpDatabase(tool.dataSource);
    expect(dump).toContain(pupilReportId); // the scan does see the report rows
    expect(dump).not.toContain(marker);
    expect(dump.toLowerCase()).not.toContain(marker.toLowerCase());
    expect(dump).not.toContain('Someone keeps asking me for photos');
    expect(dump).not.toContain('Con tôi bị bắt nạt');
    expect(dump).not.toContain('chat.example');
    expect(dump).not.toContain(parentRef);
  });

  it('lists urgent reports first for the lead and shows a report with script escaped', async () => {
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, lead.email, TEST_PASSWORD);
    const queue = await browser.get('/safeguarding?lang=en');
    expect(queue.status).toBe(200);
    const urgentAt = queue.text.indexOf(`/safeguarding/reports/${parentReportId}`);
    const otherAt = queue.text.indexOf(`/safeguarding/reports/${pupilReportId}`);
    expect(urgentAt).toBeGreaterThan(0);
    expect(otherAt).toBeGreaterThan(urgentAt);
    expect(queue.text).toContain('URGENT');
    expect(queue.text).toMatch(/left/);

    const page = await browser.get(`/safeguarding/reports/${pupilReportId}?lang=en`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toContain(`Lan 4A ${marker}`);
    // The link is shown as text, never as something to click.
    expect(page.text).not.toContain('href="https://chat.example');
    const trail = await tool.get<ConcernAuditService>(ConcernAuditService).forReport(pupilReportId);
    expect(trail.filter((e) => e.action === AuditAction.READ).map((e) => e.actorId)).toEqual([
      lead.id,
    ]);
  });

  it('moves a report through every state and e-mails the outcome to the parent', async () => {
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, lead.email, TEST_PASSWORD);
    const steps: Record<string, string>[] = [
      { to: 'acknowledged' },
      { to: 'in_progress' },
      { to: 'referred', referredTo: 'police', note: `Called 113 with the family ${marker}` },
      {
        to: 'closed',
        outcome: 'Chúng tôi đã gặp gia đình và nhà trường đang theo dõi. Cảm ơn anh/chị.',
        notifyReporter: 'yes',
      },
    ];
    for (const step of steps) {
      const page = await browser.get(`/safeguarding/reports/${parentReportId}?lang=en`);
      const moved = await browser.post(`/safeguarding/reports/${parentReportId}/move?lang=en`, {
        ...hiddenFields(page.text, `/safeguarding/reports/${parentReportId}/move`),
        ...step,
      });
      expect(moved.status).toBe(303);
    }
    const row = await report(parentReportId);
    expect(row).toMatchObject({ state: 'closed', referredTo: 'police' });
    expect(row.acknowledgedAt!.getTime()).toBeLessThanOrEqual(row.slaDueAt.getTime());
    const outcome = await eventually(
      async () => mailsTo(`parent-${marker.toLowerCase()}@example.test`)[0],
    );
    expect(outcome.text).toContain('Chúng tôi đã gặp gia đình và nhà trường đang theo dõi.');
    expect(outcome.text).toContain('113');
    expect(outcome.text).not.toContain(marker);
    await eventually(async () => (await report(parentReportId)).outcomeNotifiedAt);

    // Going back is refused.
    const page = await browser.get(`/safeguarding/reports/${parentReportId}?lang=en`);
    const back = await browser.post(`/safeguarding/reports/${parentReportId}/move?lang=en`, {
      ...hiddenFields(page.text, `/safeguarding/reports/${parentReportId}/note`),
      to: 'in_progress',
    });
    expect(back.status).toBe(409);

    const trail = await tool
      .get<ConcernAuditService>(ConcernAuditService)
      .forReport(parentReportId);
    const moves = trail
      .filter((e) => e.action === AuditAction.STATE_CHANGED)
      .map((e) => JSON.parse(e.details) as { from: string; to: string });
    expect(moves.map((m) => `${m.from}>${m.to}`)).toEqual([
      'new>acknowledged',
      'acknowledged>in_progress',
      'in_progress>referred',
      'referred>closed',
    ]);
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        AuditAction.CREATED,
        AuditAction.LEAD_NOTIFIED,
        AuditAction.READ,
        AuditAction.NOTE_ADDED,
        AuditAction.OUTCOME_SET,
        AuditAction.REPORTER_NOTIFIED,
      ]),
    );
    expect(JSON.stringify(trail)).not.toContain(marker);
  });

  it('lets the parent see the outcome with the report code, without signing in', async () => {
    const parent = new TestBrowser(tool.url);
    const page = await parent.get('/help/status?lang=vi');
    const res = await parent.post('/help/status?lang=vi', {
      ...hiddenFields(page.text),
      code: parentRef.toLowerCase().replace('-', ' '),
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Đã đóng');
    expect(res.text).toContain('Chúng tôi đã gặp gia đình');
    const unknown = await parent.post('/help/status?lang=vi', {
      ...hiddenFields(page.text),
      code: 'ZZZZZ-ZZZZZ',
    });
    expect(unknown.status).toBe(404);
  });

  it('escalates an overdue report to the commune lead, who is told and may then read it', async () => {
    const communeBrowser = new TestBrowser(tool.url);
    await signInBrowser(communeBrowser, communeLead.email, TEST_PASSWORD);
    const before = await communeBrowser.get(`/safeguarding/reports/${pupilReportId}?lang=en`);
    expect(before.status).toBe(403);

    // Make the deadline pass (the clock of the SLA rule is the database's due date).
    await tool.dataSource
      .getRepository(ConcernReportEntity)
      .update({ id: pupilReportId }, { dueAt: new Date(Date.now() - 60_000) });
    await tool.queue.enqueue(JOB_SLA_CHECK, {}, { maxAttempts: 1 });
    const escalated = await eventually(async () => {
      const r = await report(pupilReportId);
      return r.escalationLevel === 1 && r;
    });
    expect(escalated.escalatedToOrgNodeId).toBe(tenant.commune.id);
    expect(escalated.dueAt.getTime()).toBeGreaterThan(Date.now());

    const mail = await eventually(async () => mailsTo(communeLead.email)[0]);
    expect(mail.text).toContain('not acknowledged in time');
    expect(mail.raw).not.toContain(marker);

    const queue = await communeBrowser.get('/safeguarding?lang=en');
    expect(queue.text).toContain(`/safeguarding/reports/${pupilReportId}`);
    expect(queue.text).toContain('Escalated to level 1');
    // The parent's report (never escalated) stays with the school.
    expect(queue.text).not.toContain(`/safeguarding/reports/${parentReportId}`);
    const after = await communeBrowser.get(`/safeguarding/reports/${pupilReportId}?lang=en`);
    expect(after.status).toBe(200);
    const trail = await tool.get<ConcernAuditService>(ConcernAuditService).forReport(pupilReportId);
    expect(trail.filter((e) => e.action === AuditAction.READ).map((e) => e.actorId)).toEqual([
      lead.id,
      communeLead.id,
    ]);
    expect(
      trail.some(
        (e) => e.action === AuditAction.ESCALATED && e.actorKind === AuditActorKind.SYSTEM,
      ),
    ).toBe(true);
  });

  it('refuses a teacher who is not a lead and a lead of another school (pages and GraphQL)', async () => {
    for (const who of [teacher, otherLead]) {
      const browser = new TestBrowser(tool.url);
      await signInBrowser(browser, who.email, TEST_PASSWORD);
      const page = await browser.get(`/safeguarding/reports/${pupilReportId}?lang=en`);
      expect(page.status).toBe(403);
      expect(page.text).not.toContain(marker);
      const move = await browser.post(`/safeguarding/reports/${pupilReportId}/move?lang=en`, {
        ...hiddenFields((await browser.get('/help/status')).text),
        to: 'acknowledged',
      });
      expect(move.status).toBe(403);

      const cookies = [...browser.cookies].map(([k, v]) => `${k}=${v}`);
      const one = await gql(
        tool.url,
        cookies,
        'query($id: ID!) { concernReport(id: $id) { id details { description } } }',
        {
          id: pupilReportId,
        },
      );
      expect(one.data).toBeNull();
      expect(one.errors?.[0].extensions?.status).toBe(403);
      const mutation = await gql(
        tool.url,
        cookies,
        'mutation($id: ID!) { moveConcern(input: { reportId: $id, to: ACKNOWLEDGED }) { id } }',
        { id: pupilReportId },
      );
      expect(mutation.errors?.[0].extensions?.status).toBe(403);
    }
    // The teacher has no queue at all; the other school's lead has one without this report.
    const teacherBrowser = new TestBrowser(tool.url);
    await signInBrowser(teacherBrowser, teacher.email, TEST_PASSWORD);
    expect((await teacherBrowser.get('/safeguarding')).status).toBe(403);
    const otherBrowser = new TestBrowser(tool.url);
    await signInBrowser(otherBrowser, otherLead.email, TEST_PASSWORD);
    const otherQueue = await gql(
      tool.url,
      [...otherBrowser.cookies].map(([k, v]) => `${k}=${v}`),
      'query($org: ID) { concernQueue(orgNodeId: $org) { id } }',
      { org: tenant.school.id },
    );
    expect(otherQueue.errors?.[0].extensions?.status).toBe(403);
    // None of the refused attempts counts as a read.
    const trail = await tool.get<ConcernAuditService>(ConcernAuditService).forReport(pupilReportId);
    const readers = trail.filter((e) => e.action === AuditAction.READ).map((e) => e.actorId);
    expect(readers).not.toContain(teacher.id);
    expect(readers).not.toContain(otherLead.id);
  });

  it('serves the lead over GraphQL, recording each read', async () => {
    const browser = new TestBrowser(tool.url);
    await signInBrowser(browser, lead.email, TEST_PASSWORD);
    const cookies = [...browser.cookies].map(([k, v]) => `${k}=${v}`);
    const queue = await gql(
      tool.url,
      cookies,
      '{ concernQueue(includeClosed: true) { id state imminentDanger overdue category } }',
    );
    const ids = (queue.data!.concernQueue as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([pupilReportId, parentReportId]));
    const audit = tool.get<ConcernAuditService>(ConcernAuditService);
    const readsBefore = (await audit.forReport(pupilReportId)).filter(
      (e) => e.action === AuditAction.READ,
    ).length;
    const one = await gql(
      tool.url,
      cookies,
      'query($id: ID!) { concernReport(id: $id) { state details { description reference } contactMethod } }',
      { id: pupilReportId },
    );
    const r = one.data!.concernReport as { details: { description: string } };
    expect(r.details.description).toContain(marker);
    const trail = await gql(
      tool.url,
      cookies,
      'query($id: ID!) { concernAuditTrail(id: $id) { seq action actorId hash } }',
      { id: pupilReportId },
    );
    const entries = trail.data!.concernAuditTrail as { action: string; actorId: string }[];
    expect(entries.filter((e) => e.action === 'read')).toHaveLength(readsBefore + 1);
  });

  it('keeps the audit trail append-only and its hash chain verifiable', async () => {
    const pg = tool.dataSource.options.type === 'postgres';
    await expect(
      tool.dataSource.query(`UPDATE concern_audit SET action = 'read' WHERE seq = 1`),
    ).rejects.toThrow(/append-only/);
    await expect(tool.dataSource.query('DELETE FROM concern_audit')).rejects.toThrow(/append-only/);
    if (pg) {
      await expect(tool.dataSource.query('TRUNCATE concern_audit')).rejects.toThrow(/append-only/);
    }
    const lines: string[] = [];
    const verify = tool.get<AuditVerifyCommand>(AuditVerifyCommand);
    expect(await verify.run({ positional: [], flags: {} }, (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/Audit trail intact: \d+ entries/);

    // Someone with the database owner's rights turns the guard off and edits a row:
    // the chain shows where. (Put back afterwards, so the trail is whole again.)
    const [row] = await tool.dataSource.query(
      `SELECT seq, action FROM concern_audit WHERE report_id = ${pg ? '$1' : '?'} ORDER BY seq LIMIT 1`,
      [pupilReportId],
    );
    const off = pg
      ? ['ALTER TABLE concern_audit DISABLE TRIGGER concern_audit_no_change']
      : ['DROP TRIGGER concern_audit_no_update'];
    const on = pg
      ? ['ALTER TABLE concern_audit ENABLE TRIGGER concern_audit_no_change']
      : [
          `CREATE TRIGGER concern_audit_no_update BEFORE UPDATE ON "concern_audit" BEGIN SELECT RAISE(ABORT, 'concern_audit is append-only: UPDATE refused'); END`,
        ];
    for (const sql of off) {
      await tool.dataSource.query(sql);
    }
    try {
      await tool.dataSource.query(
        `UPDATE concern_audit SET action = 'erased' WHERE seq = ${row.seq}`,
      );
      lines.length = 0;
      expect(await verify.run({ positional: [], flags: {} }, (l) => lines.push(l))).toBe(1);
      expect(lines.join('\n')).toContain(`BROKEN at entry ${row.seq} (hash)`);
      await tool.dataSource.query(
        `UPDATE concern_audit SET action = '${row.action}' WHERE seq = ${row.seq}`,
      );
    } finally {
      for (const sql of on) {
        await tool.dataSource.query(sql);
      }
    }
    lines.length = 0;
    expect(await verify.run({ positional: [], flags: {} }, (l) => lines.push(l))).toBe(0);
  });
});

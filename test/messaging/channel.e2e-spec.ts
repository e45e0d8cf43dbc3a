import { JobEntity, Role } from '@lib/core';
import { LaunchService } from '@lib/lti';
import {
  ComposeService,
  DigestService,
  InvitesService,
  LmsAdapter,
  MESSAGING_JOBS,
  MessageDeliveryService,
  MessageEntity,
  ParentAuthService,
  ParentsService,
  RecipientEntity,
  SchoolSettingsService,
} from '@lib/messaging';
import { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Like } from 'typeorm';
import { createAccount, createTenant, signIn, Tenant } from '../support/fixtures';
import { TestBrowser } from '../support/lti-fixtures';
import {
  magicLinkIn,
  makeParent,
  smtpSink,
  SmtpSink,
  uniqueEmail,
} from '../support/messaging-fixtures';
import { bindSandbox, createPlayerClass, launchFromSandbox } from '../support/player-fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** `HH:MM` in Vietnam `minutes` from now. */
function vnClock(minutesFromNow: number): string {
  const d = new Date(Date.now() + minutesFromNow * 60_000 + 7 * 3_600_000);
  return d.toISOString().slice(11, 16);
}

/**
 * The parent channel end to end against a real SMTP server on loopback: a teacher's invite
 * code, a parent who joins and consents, announcements, a thread both ways, daily digests,
 * urgent messages through quiet hours, consent withdrawal and the parent's data rights.
 */
describe(`Parent channel (${usesRedis() ? 'PostgreSQL/Bull + worker' : 'inline queue'})`, () => {
  let sink: SmtpSink;
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    sink = await smtpSink();
    const env = { SMTP_URL: sink.url, MAIL_FROM: 'Trường học <no-reply@school.test>' };
    tool = await startTool({ env });
    if (usesRedis()) {
      worker = await startWorker({ env });
    }
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
    await sink.close();
  });

  const compose = (): ComposeService => tool.get<ComposeService>(ComposeService);
  const announce = (
    tenant: Tenant,
    subject: string,
    extra: { urgent?: boolean; scheduledAt?: Date } = {},
  ) =>
    compose().compose({
      schoolOrgNodeId: tenant.school.id,
      kind: 'announcement',
      audience: { type: 'school' },
      subjectVi: subject,
      bodyVi: `Nội dung: ${subject}`,
      author: { type: 'account', id: null, name: 'Ban giám hiệu' },
      ...extra,
    });

  it('invite code → join and consent → announcement and a thread both ways arrive', async () => {
    const tenant = await createTenant(tool);
    const sandbox = await bindSandbox(tool, tenant);
    const cls = await createPlayerClass(sandbox, tenant, 3);
    const lesson = await sandbox.addLink(cls.classId, 'Mật khẩu mạnh', 'up-strong-passwords', 10);
    const { lt } = await launchFromSandbox(tool, {
      classId: cls.classId,
      userId: cls.teacher.id,
      linkId: lesson.id,
    });
    const launch = await tool.get<LaunchService>(LaunchService).resolve(lt);
    // The roster comes from NRPS after the teacher's launch.
    await eventually(
      async () => (await tool.get<LmsAdapter>(LmsAdapter).learners(launch.contextId!)).length === 3,
      30_000,
    );

    const teacherPage = await tool.http
      .get(`/messaging/class?lt=${lt}`)
      .set('Accept', 'text/html')
      .expect(200);
    const rows = [
      ...teacherPage.text.matchAll(
        /<td>([^<]+)<\/td>\s*<td><code class="invite-code">([A-Z0-9-]+)<\/code>/g,
      ),
    ].map((m) => ({ name: m[1], code: m[2] }));
    expect(rows.map((r) => r.name).sort()).toEqual(cls.students.map((s) => s.name).sort());
    const codes = rows.map((r) => r.code);

    // A parent types the first code, gives an e-mail and ticks consent.
    const email = uniqueEmail('mother');
    const parent = new TestBrowser(tool.url);
    const joinPage = await parent.get(`/parents/join?code=${codes[0]}`);
    expect(joinPage.status).toBe(200);
    const joined = await parent.post('/parents/join', {
      _csrf: csrfOf(joinPage.text),
      code: codes[0].toLowerCase().replace('-', ' '),
      relation: 'mother',
      name: 'Nguyễn Thị Lan',
      email,
      channel: 'email',
      language: 'vi',
      consent_messages: 'yes',
      consent_progress: 'yes',
    });
    expect(joined.status).toBe(303);
    expect(joined.location).toBe('/parents/inbox?joined=1&verify=email');
    // Only a verified address gets messages: the confirmation link arrives first.
    const verification = await eventually(async () => sink.to(email)[0]);
    const link = magicLinkIn(verification);
    const confirm = await parent.get(link.replace(tool.config.publicUrl, '')); // PUBLIC_URL is not this test server
    const signedIn = await parent.post('/parents/magic', {
      _csrf: csrfOf(confirm.text),
      token: new URL(link).searchParams.get('token')!,
    });
    expect(signedIn.status).toBe(303);
    expect((await parent.get('/parents/inbox')).status).toBe(200);

    // The school admin previews and sends an announcement.
    const { email: adminEmail } = await createAccount(tool, Role.SCHOOL_ADMIN, tenant.school.id);
    const cookies = await signIn(tool, adminEmail);
    const dash = await tool.http
      .get(`/messaging/admin/schools/${tenant.school.id}`)
      .set('Cookie', cookies)
      .expect(200);
    const form = {
      _csrf: csrfOf(dash.text),
      audience: 'school',
      subject_vi: 'Họp phụ huynh đầu năm',
      body_vi: 'Kính mời quý phụ huynh dự họp lúc 8 giờ sáng thứ Bảy.\n\n<b>Trân trọng</b>',
    };
    const preview = await tool.http
      .post(`/messaging/admin/schools/${tenant.school.id}/compose`)
      .set('Cookie', cookies)
      .type('form')
      .send({ ...form, action: 'preview' })
      .expect(200);
    expect(preview.text).toContain('1 phụ huynh');
    expect(preview.text).toContain('&lt;b&gt;Trân trọng&lt;/b&gt;'); // the admin's text is escaped
    const sent = await tool.http
      .post(`/messaging/admin/schools/${tenant.school.id}/compose`)
      .set('Cookie', cookies)
      .type('form')
      .send({ ...form, action: 'send' })
      .expect(303);
    const mail = await eventually(async () =>
      sink.to(email).find((m) => m.subject === 'Họp phụ huynh đầu năm'),
    );
    expect(mail.text).toContain('8 giờ sáng thứ Bảy');
    expect(mail.raw).not.toContain('<b>Trân trọng</b>');
    expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@school\.test>$/);
    expect(mail.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // Opening it in the inbox is the read receipt the school sees.
    const inbox = await parent.get('/parents/inbox');
    // Every parent page leads to the one concern channel, in the parent's language.
    expect(inbox.text).toContain('<a href="/help?lang=vi">Báo cáo lo ngại về an toàn của trẻ</a>');
    const help = await tool.http.get('/help?lang=vi').expect(200);
    expect(help.text).toContain('111');
    const open = /href="(\/parents\/m\/[0-9a-f-]{36})"/.exec(inbox.text)![1];
    expect((await parent.get(open)).text).toContain('8 giờ sáng thứ Bảy');
    const detail = await tool.http.get(sent.headers.location).set('Cookie', cookies).expect(200);
    expect(detail.text).toContain('1 phụ huynh, 1 đã đọc');

    // The teacher opens a thread with this child's parents; the parent replies.
    const learners = await tool.get<LmsAdapter>(LmsAdapter).learners(launch.contextId!);
    const child = learners.find((l) => l.displayName === rows[0].name)!; // the child whose code was used
    const opened = await tool.http
      .post('/messaging/class/threads')
      .type('form')
      .send({
        lt,
        student: child.studentId,
        subject: 'Bài tập tuần này',
        body: 'Con làm bài rất tốt, chị nhắc con đọc thêm nhé.',
      })
      .expect(303);
    const threadPath = opened.headers.location;
    const threadMail = await eventually(async () =>
      sink.to(email).find((m) => m.subject.includes('Bài tập tuần này')),
    );
    expect(threadMail.text).toContain('Con làm bài rất tốt');
    const threadId = /threads\/([0-9a-f-]{36})/.exec(threadPath)![1];
    const parentThread = await parent.get(`/parents/threads/${threadId}`);
    expect(parentThread.text).toContain('Con làm bài rất tốt');
    const replied = await parent.post(`/parents/threads/${threadId}/reply`, {
      _csrf: csrfOf(parentThread.text),
      body: 'Cảm ơn cô, tối nay em sẽ nhắc cháu.',
    });
    expect(replied.status).toBe(303);
    const teacherThread = await tool.http.get(threadPath).set('Accept', 'text/html').expect(200);
    expect(teacherThread.text).toContain('tối nay em sẽ nhắc cháu');
  });

  it('one parent, two children in two schools: the second code adds the child, each school reaches them', async () => {
    const schoolA = await createTenant(tool);
    const schoolB = await createTenant(tool);
    const invites = tool.get<InvitesService>(InvitesService);
    const slip = async (tenant: Tenant, name: string) =>
      (
        await invites.slips(
          { classId: randomUUID(), schoolOrgNodeId: tenant.school.id },
          [{ studentId: randomUUID(), displayName: name }],
          randomUUID(), // the teacher who printed the slips
        )
      )[0];
    const first = await slip(schoolA, 'An');
    const second = await slip(schoolB, 'Bình');
    const email = uniqueEmail('two-schools');
    const browser = new TestBrowser(tool.url);
    const joinA = await browser.get(`/parents/join?code=${first.code}`);
    expect(
      (
        await browser.post('/parents/join', {
          _csrf: csrfOf(joinA.text),
          code: first.code,
          relation: 'father',
          email,
          channel: 'email',
          language: 'vi',
          consent_messages: 'yes',
        })
      ).status,
    ).toBe(303);
    const link = magicLinkIn(await eventually(async () => sink.to(email)[0]));
    const confirm = await browser.get(link.replace(tool.config.publicUrl, ''));
    await browser.post('/parents/magic', {
      _csrf: csrfOf(confirm.text),
      token: new URL(link).searchParams.get('token')!,
    });
    // Signed in, the second child's code is all it takes (no contact typed again).
    const joinB = await browser.get(`/parents/join?code=${second.code}`);
    const added = await browser.post('/parents/join', {
      _csrf: csrfOf(joinB.text),
      code: second.code,
      relation: 'father',
      language: 'vi',
      consent_messages: 'yes',
    });
    expect(added.status).toBe(303);
    expect(added.location).toBe('/parents/inbox?joined=1');

    await announce(schoolA, 'Trường A: họp phụ huynh');
    await announce(schoolB, 'Trường B: ngày hội đọc sách');
    await eventually(async () => sink.to(email).length === 3); // the sign-in link and both
    expect(
      sink
        .to(email)
        .slice(1)
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Trường A: họp phụ huynh', 'Trường B: ngày hội đọc sách']);
    const data = JSON.parse((await browser.get('/parents/settings/data.json')).text) as {
      children: { studentId: string; school: string }[];
      consents: { studentId: string; purpose: string }[];
    };
    expect(data.children.map((c) => c.studentId).sort()).toEqual(
      [first.studentId, second.studentId].sort(),
    );
    expect(data.children.map((c) => c.school).sort()).toEqual(
      [schoolA.school.name, schoolB.school.name].sort(),
    );
    expect(data.consents.filter((c) => c.purpose === 'messages')).toHaveLength(2);
  });

  it('digest mode holds messages and sends one digest a day', async () => {
    const tenant = await createTenant(tool);
    const email = uniqueEmail('digest');
    const p = await makeParent(tool, { schoolId: tenant.school.id, email });
    await tool
      .get<ParentsService>(ParentsService)
      .updatePreferences(
        p.parentId,
        { mode: 'digest', digestHour: 18 },
        { type: 'parent', id: p.parentId },
      );
    const m1 = await announce(tenant, 'Lịch kiểm tra học kỳ');
    const m2 = await announce(tenant, 'Thu tiền bảo hiểm y tế');
    const repo = tool.dataSource.getRepository(RecipientEntity);
    await eventually(
      async () =>
        (await repo.count({
          where: [
            { messageId: m1.id, status: 'held' },
            { messageId: m2.id, status: 'held' },
          ],
        })) === 2,
    );
    expect(sink.to(email)).toHaveLength(0);
    const evening = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`); // 19:00 in Vietnam
    const digests = tool.get<DigestService>(DigestService);
    // runDue counts every parent in the database whose digest is due; other test files share it
    expect(await digests.runDue(evening)).toBeGreaterThanOrEqual(1);
    const digest = await eventually(async () => sink.to(email)[0]);
    expect(digest.subject).toContain('(2)');
    expect(digest.text).toContain('Lịch kiểm tra học kỳ');
    expect(digest.text).toContain('Thu tiền bảo hiểm y tế');
    await digests.runDue(evening); // a rerun the same day sends this parent nothing more
    await eventually(
      async () => (await repo.count({ where: { parentId: p.parentId, status: 'digested' } })) === 2,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.to(email)).toHaveLength(1);
  });

  it('quiet hours hold ordinary messages until they end; urgent ones go at once', async () => {
    const tenant = await createTenant(tool);
    const email = uniqueEmail('quiet');
    await makeParent(tool, { schoolId: tenant.school.id, email });
    await tool.get<SchoolSettingsService>(SchoolSettingsService).update(tenant.school.id, {
      quietStart: vnClock(-60),
      quietEnd: vnClock(120),
    });
    const ordinary = await announce(tenant, 'Tin thường trong giờ yên lặng');
    const jobs = tool.dataSource.getRepository(JobEntity);
    const waiting = await eventually(async () =>
      jobs.findOne({
        where: { name: MESSAGING_JOBS.dispatch, dedupeKey: Like(`msg-dispatch:${ordinary.id}:%`) },
      }),
    );
    expect(waiting.runAt.getTime()).toBeGreaterThan(Date.now() + 110 * 60_000);
    await announce(tenant, 'Nghỉ học khẩn vì bão', { urgent: true });
    const urgent = await eventually(async () =>
      sink.to(email).find((m) => m.subject === 'Nghỉ học khẩn vì bão'),
    );
    expect(urgent.text).toContain('THÔNG BÁO KHẨN');
    expect(sink.to(email).map((m) => m.subject)).not.toContain('Tin thường trong giờ yên lặng');
    // When the quiet hours are over, the waiting one goes.
    await tool
      .get<MessageDeliveryService>(MessageDeliveryService)
      .dispatch(ordinary.id, new Date(Date.now() + 121 * 60_000));
    await eventually(async () =>
      sink.to(email).find((m) => m.subject === 'Tin thường trong giờ yên lặng'),
    );
  });

  it('a withdrawn consent stops delivery at once, also of messages already scheduled', async () => {
    const tenant = await createTenant(tool);
    const email = uniqueEmail('withdraw');
    const other = uniqueEmail('stays');
    const p = await makeParent(tool, { schoolId: tenant.school.id, email });
    await makeParent(tool, { schoolId: tenant.school.id, email: other });
    const later = await announce(tenant, 'Tin hẹn giờ', {
      scheduledAt: new Date(Date.now() + 2500),
    });
    expect(later.recipientCount).toBe(2);
    // The parent withdraws through the settings page.
    const browser = new TestBrowser(tool.url);
    const contactId = (await tool.get<ParentsService>(ParentsService).contacts(p.parentId))[0].id;
    const token = await tool
      .get<ParentAuthService>(ParentAuthService)
      .createLink(p.parentId, contactId);
    const confirm = await browser.get(`/parents/magic?token=${token}`);
    await browser.post('/parents/magic', { _csrf: csrfOf(confirm.text), token });
    const settings = await browser.get('/parents/settings');
    expect(settings.text).toContain('Rút lại đồng ý');
    const withdrawn = await browser.post('/parents/settings/consent', {
      _csrf: csrfOf(settings.text),
      student: p.studentId,
      purpose: 'messages',
      action: 'withdraw',
    });
    expect(withdrawn.status).toBe(303);
    const now = await announce(tenant, 'Tin sau khi rút đồng ý');
    expect(now.recipientCount).toBe(1);
    await eventually(async () => sink.to(other).some((m) => m.subject === 'Tin hẹn giờ'), 20_000);
    await eventually(async () =>
      sink.to(other).some((m) => m.subject === 'Tin sau khi rút đồng ý'),
    );
    expect(sink.to(email)).toHaveLength(0);
    await eventually(
      async () =>
        (await tool.dataSource.getRepository(MessageEntity).findOneByOrFail({ id: later.id }))
          .status === 'sent',
    );

    // Right of access: the download lists the withdrawal; erasure removes the contact.
    const data = JSON.parse((await browser.get('/parents/settings/data.json')).text) as {
      contacts: { value: string }[];
      consents: { purpose: string; withdrawnAt: string | null }[];
      audit: { action: string }[];
    };
    expect(data.contacts[0].value).toBe(email);
    expect(data.consents.find((c) => c.purpose === 'messages')!.withdrawnAt).not.toBeNull();
    expect(data.audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['consent.granted', 'consent.withdrawn', 'signed_in']),
    );
    const erasePage = await browser.get('/parents/settings/erase');
    const erased = await browser.post('/parents/settings/erase', {
      _csrf: csrfOf(erasePage.text),
      confirm: 'yes',
    });
    expect(erased.status).toBe(200);
    expect(await tool.get<ParentsService>(ParentsService).contacts(p.parentId)).toEqual([]);
    expect((await browser.get('/parents/inbox')).status).toBe(303);
  });
});

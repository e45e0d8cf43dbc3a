import { Role } from '@lib/core';
import {
  ClassesService,
  ComposeService,
  ConsentService,
  InvitesService,
  ParentsService,
  RecipientEntity,
  ThreadsService,
} from '@lib/messaging';
import { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { createAccount, createTenant, signIn, Tenant } from '../support/fixtures';
import { makeParent, smtpSink, SmtpSink } from '../support/messaging-fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/**
 * The school admin's side: the parents import (dry run with problems by line and column, then
 * the real import from CSV or XLSX), reports of threads, cancelling a scheduled message, and the
 * export of everything the school sent. Access is limited to the admin's own school.
 */
describe(`School admin pages (${usesRedis() ? 'Bull + worker' : 'inline queue'})`, () => {
  let sink: SmtpSink;
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let tenant: Tenant;
  let cookies: string[];
  let csrf: string;
  let students: { studentId: string; code: string }[];
  const classId = randomUUID();

  beforeAll(async () => {
    sink = await smtpSink();
    tool = await startTool({ env: { SMTP_URL: sink.url } });
    if (usesRedis()) {
      worker = await startWorker({ env: { SMTP_URL: sink.url } });
    }
    tenant = await createTenant(tool);
    const { email } = await createAccount(tool, Role.SCHOOL_ADMIN, tenant.school.id);
    cookies = await signIn(tool, email);
    csrf = csrfOf(
      (
        await tool.http
          .get(`/messaging/admin/schools/${tenant.school.id}`)
          .set('Cookie', cookies)
          .expect(200)
      ).text,
    );
    // A class whose teacher opened the class page: three students with invite codes.
    const klass = await tool
      .get<ClassesService>(ClassesService)
      .touch({ classId, schoolOrgNodeId: tenant.school.id, title: 'Lớp 4A' });
    await tool.get<ClassesService>(ClassesService).setGrade(classId, 4);
    const slips = await tool.get<InvitesService>(InvitesService).slips(
      klass,
      [1, 2, 3].map((n) => ({ studentId: randomUUID(), displayName: `HS ${n}` })),
      randomUUID(),
    );
    students = slips.map((s) => ({ studentId: s.studentId, code: s.code }));
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
    await sink.close();
  });

  const upload = async (name: string, content: Buffer): Promise<string> => {
    const res = await tool.http
      .post(`/messaging/admin/schools/${tenant.school.id}/import`)
      .set('Cookie', cookies)
      .field('_csrf', csrf)
      .attach('file', content, name)
      .expect(303);
    return res.headers.location;
  };
  const statusPage = (path: string, until: RegExp) =>
    eventually(async () => {
      const page = await tool.http.get(path).set('Cookie', cookies).expect(200);
      return until.test(page.text) ? page.text : undefined;
    });

  it('imports parents: a dry run lists every problem by line and column; a clean file is confirmed', async () => {
    const bad = [
      'student,parent_name,email,phone,relation,language,consent_messages,consent_progress,consent_date,favourite_colour',
    ].join('\n');
    expect(
      await statusPage(await upload('bad.csv', Buffer.from(bad)), /Cột không có trong mẫu/),
    ).toContain('favourite_colour');

    const rows = [
      'student,parent_name,email,phone,relation,language,consent_messages,consent_progress,consent_date',
      `${students[0].studentId},Trần Văn Bình,binh@example.test,,bố,vi,có,không,2026-09-05`,
      `${randomUUID()},Ai đó,someone@example.test,,mother,vi,yes,no,2026-09-05`,
      `${students[1].code},Lê Thị Hoa,not-an-email,,aunt,vi,yes,no,`,
    ].join('\n');
    const problems = await statusPage(
      await upload('parents.csv', Buffer.from(rows, 'utf8')),
      /lỗi; chưa có gì được ghi/,
    );
    expect(problems).toMatch(/<td>3<\/td><td>student<\/td><td>Không tìm thấy học sinh/);
    expect(problems).toMatch(/<td>4<\/td><td>email<\/td><td>Email không hợp lệ/);
    expect(problems).toMatch(/<td>4<\/td><td>relation<\/td>/);
    expect(problems).toMatch(/<td>4<\/td><td>consent_date<\/td><td>Thiếu giá trị bắt buộc/);
    expect(
      await tool.get<ParentsService>(ParentsService).findContact('email', 'binh@example.test'),
    ).toBeNull();

    // The corrected file, as XLSX (codes and ids both work as the student reference).
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Phụ huynh');
    sheet.addRow([
      'student',
      'parent_name',
      'email',
      'phone',
      'relation',
      'language',
      'consent_messages',
      'consent_progress',
      'consent_date',
    ]);
    sheet.addRow([
      students[0].studentId,
      'Trần Văn Bình',
      'binh@example.test',
      '',
      'father',
      'vi',
      'yes',
      'no',
      '2026-09-05',
    ]);
    sheet.addRow([
      students[1].code,
      'Lê Thị Hoa',
      'hoa@example.test',
      '0912 000 111',
      'mother',
      'en',
      'yes',
      'yes',
      '2026-09-06',
    ]);
    sheet.addRow([
      students[2].code,
      'Phạm Văn Cường',
      '',
      '0912 000 222',
      'guardian',
      'vi',
      'no',
      'no',
      '',
    ]);
    const status = await upload('parents.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const dry = await statusPage(status, /Chạy thử không có lỗi/);
    expect(dry).toContain('3 dòng sẵn sàng');
    expect(
      await tool.get<ParentsService>(ParentsService).findContact('email', 'hoa@example.test'),
    ).toBeNull();
    await tool.http
      .post(`${status}/confirm`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    expect(await statusPage(status, /Đã nhập 3 dòng/)).toContain('3 phụ huynh mới');
    const hoa = (await tool
      .get<ParentsService>(ParentsService)
      .findContact('email', 'hoa@example.test'))!;
    const consents = await tool.get<ConsentService>(ConsentService).current(hoa.parentId);
    expect(consents.map((c) => [c.purpose, c.grantedVia]).sort()).toEqual([
      ['messages', 'school_import'],
      ['progress', 'school_import'],
    ]);
    expect(hoa.verifiedAt).not.toBeNull();
    // Two of the three consented to messages: a grade-4 announcement reaches them.
    const m = await tool.get<ComposeService>(ComposeService).compose({
      schoolOrgNodeId: tenant.school.id,
      kind: 'announcement',
      audience: { type: 'grade', grade: 4 },
      subjectVi: 'Khối 4 tham quan',
      bodyVi: 'Thứ Năm khối 4 đi tham quan bảo tàng.',
      author: { type: 'account', id: null, name: 'Trường' },
    });
    expect(m.recipientCount).toBe(2);
    await eventually(
      async () =>
        sink.to('binh@example.test').length === 1 && sink.to('hoa@example.test').length === 1,
    );
  });

  it('lists reported threads for review, cancels a scheduled message, and exports what was sent', async () => {
    const p = await makeParent(tool, {
      schoolId: tenant.school.id,
      email: 'report@example.test',
      classId,
    });
    const threads = tool.get<ThreadsService>(ThreadsService);
    const thread = await threads.open(
      { userId: randomUUID(), name: 'Thầy Minh', classId, schoolOrgNodeId: tenant.school.id },
      p.studentId,
      'Hạnh kiểm',
      'Con hay nói chuyện riêng trong giờ.',
    );
    await threads.report(thread, p.parentId, 'harassment');
    const reports = await tool.http
      .get(`/messaging/admin/schools/${tenant.school.id}/reports`)
      .set('Cookie', cookies)
      .expect(200);
    expect(reports.text).toContain('Con hay nói chuyện riêng trong giờ.');
    expect(reports.text).toContain('Quấy rối, xúc phạm');
    const reportId = /reports\/([0-9a-f-]{36})\/resolve/.exec(reports.text)![1];
    await tool.http
      .post(`/messaging/admin/schools/${tenant.school.id}/reports/${reportId}/resolve`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    expect(
      (
        await tool.http
          .get(`/messaging/admin/schools/${tenant.school.id}/reports`)
          .set('Cookie', cookies)
      ).text,
    ).toContain('Không có báo cáo nào');

    const later = new Date(Date.now() + 2 * 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 16);
    const sent = await tool.http
      .post(`/messaging/admin/schools/${tenant.school.id}/compose`)
      .set('Cookie', cookies)
      .type('form')
      .send({
        _csrf: csrf,
        audience: 'class',
        class_id: classId,
        subject_vi: 'Tin hẹn giờ',
        body_vi: 'Sẽ bị huỷ',
        scheduled_at: later,
        action: 'send',
      })
      .expect(303);
    const messageId = /messages\/([0-9a-f-]{36})/.exec(sent.headers.location)![1];
    const detail = await tool.http.get(sent.headers.location).set('Cookie', cookies).expect(200);
    expect(detail.text).toContain('Huỷ tin đã hẹn giờ');
    await tool.http
      .post(`${sent.headers.location}/cancel`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    expect(
      await tool.dataSource.getRepository(RecipientEntity).count({ where: { messageId } }),
    ).toBe(0);

    const csv = await tool.http
      .get(`/messaging/admin/schools/${tenant.school.id}/export.csv`)
      .set('Cookie', cookies)
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain('Khối 4 tham quan');
    expect(csv.text).toContain('Con hay nói chuyện riêng trong giờ.');
    expect(csv.text).not.toContain('report@example.test'); // parents by id, never by contact
  });

  it('keeps an admin to their own school', async () => {
    await tool.http
      .get(`/messaging/admin/schools/${tenant.otherSchool.id}`)
      .set('Cookie', cookies)
      .set('Accept', 'text/html')
      .expect(403);
    await tool.http
      .get(`/messaging/admin/schools/${tenant.school.id}`)
      .set('Accept', 'text/html')
      .expect(401);
  });
});

import { addDays, CampaignEntity, vnToday } from '@lib/campaigns';
import { QueueService, Role } from '@lib/core';
import {
  DeliveryService,
  ReminderEntity,
  RemindersJob,
  RollupEntity,
  SchoolStatEntity,
  StatsService,
} from '@lib/coverage';
import { OrgsService, OrgType } from '@lib/orgs';
import { INestApplicationContext } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import {
  createCoverageTenant,
  CoverageTenant,
  csrfOf,
  download,
  gql,
  signedIn,
  smtpSink,
  SmtpSink,
} from '../support/coverage-fixtures';
import { decodeMail } from '../support/safeguarding-fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

type Who = { id: string; email: string; cookies: string[] };

const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id name status } }`;
const COVERAGE = `query($c: ID!, $n: ID!) { coverage(campaignId: $c, nodeId: $n) {
  nodeName isUnit suppressed status reportStatus neverReportedCount
  counts { expected received onTime approved met atRisk started notStarted reportingRate }
  bands { band enrolled reached completed } total { enrolled reached completed }
  children { id name isUnit status reportStatus counts { expected met received } bands { band enrolled reached completed } total { enrolled reached completed } }
  neverReported { id name } } }`;

describe('Coverage: a province campaign from deliveries to the ministry report', () => {
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let t: CoverageTenant;
  let province: Who;
  let commune: Who;
  let school: Who;
  let facilityAdmin: Who;
  let highAdmin: Who;
  let otherProvince: Who;
  let campaignId: string;
  let smtp: SmtpSink;
  const today = vnToday();

  const record = (learner: string, moduleId: string, band: 'early-primary' | 'upper-primary') =>
    tool.queue.transaction((manager) =>
      tool.get<DeliveryService>(DeliveryService).recordCompletion(manager, {
        schoolOrgNodeId: t.school.id,
        moduleId,
        band,
        grade: band === 'early-primary' ? 1 : 4,
        learnerKey: `lti:platform-1:${learner}`,
        completedAt: new Date(),
        scorePercent: 90,
      }),
    );
  const stat = (schoolId: string) =>
    tool.dataSource.getRepository(SchoolStatEntity).findOneByOrFail({ campaignId, schoolId });
  const rollup2 = (cid: string, nodeId: string) =>
    tool.dataSource.getRepository(RollupEntity).findOneByOrFail({ campaignId: cid, nodeId });
  const rollup = (nodeId: string) =>
    tool.dataSource.getRepository(RollupEntity).findOneByOrFail({ campaignId, nodeId });
  const post = async (who: Who, path: string, form: Record<string, string>) => {
    const csrf = await csrfOf(tool, who.cookies, '/account');
    return tool.http
      .post(`/coverage/campaigns/${campaignId}/nodes/${path}`)
      .set('Cookie', who.cookies)
      .set('Accept', 'text/html')
      .type('form')
      .send({ _csrf: csrf, ...form });
  };

  beforeAll(async () => {
    smtp = await smtpSink();
    tool = await startTool({ env: { SMTP_URL: smtp.url } });
    if (usesRedis()) {
      worker = await startWorker({ env: { SMTP_URL: smtp.url } });
    }
    t = await createCoverageTenant(tool);
    province = await signedIn(tool, Role.OFFICIAL, t.province.id);
    commune = await signedIn(tool, Role.OFFICIAL, t.commune.id);
    school = await signedIn(tool, Role.SCHOOL_ADMIN, t.school.id);
    facilityAdmin = await signedIn(tool, Role.SCHOOL_ADMIN, t.facility.id);
    highAdmin = await signedIn(tool, Role.SCHOOL_ADMIN, t.highSchool.id);
    otherProvince = await signedIn(tool, Role.OFFICIAL, t.otherProvince.id);
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
    await smtp.close();
  });

  it('lets a province official define a campaign over its schools and facilities', async () => {
    const refused = await gql(tool, commune.cookies, CREATE, {
      input: campaignInput(t.province.id, today),
    });
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const res = await gql<{ createCampaign: { id: string; status: string } }>(
      tool,
      province.cookies,
      CREATE,
      {
        input: campaignInput(t.province.id, today),
      },
    );
    expect(res.errors).toBeUndefined();
    campaignId = res.data!.createCampaign.id;
    const view = await gql<{ coverage: { counts: { expected: number; started: number } } }>(
      tool,
      province.cookies,
      COVERAGE,
      { c: campaignId, n: t.province.id },
    );
    // school (primary), facility and high school; nothing started yet
    expect(view.data!.coverage.counts).toMatchObject({ expected: 3, started: 0 });
  });

  it('counts LTI completions for the school, band and module, once per learner and module', async () => {
    const declare = `mutation($s: ID!, $b: String!, $n: Int!) { declareEnrolment(schoolOrgNodeId: $s, band: $b, learners: $n) }`;
    expect(
      (await gql(tool, school.cookies, declare, { s: t.school.id, b: 'upper-primary', n: 20 }))
        .errors,
    ).toBeUndefined();
    expect(
      (await gql(tool, school.cookies, declare, { s: t.school.id, b: 'early-primary', n: 10 }))
        .errors,
    ).toBeUndefined();
    const forbidden = await gql(tool, commune.cookies, declare, {
      s: t.school.id,
      b: 'early-primary',
      n: 99,
    });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (let i = 0; i < 12; i++) {
      expect(await record(`up-${i}`, 'up-safe-chat', 'upper-primary')).toEqual([campaignId]);
    }
    let s = await stat(t.school.id);
    expect(s.status).not.toBe('met'); // one module so far: the band needs two
    for (let i = 0; i < 12; i++) {
      await record(`up-${i}`, 'up-passwords', 'upper-primary');
    }
    for (let i = 0; i < 6; i++) {
      await record(`ep-${i}`, 'ep-kind-online', 'early-primary');
    }
    expect(await record('up-0', 'up-passwords', 'upper-primary')).toEqual([]); // idempotent
    s = await stat(t.school.id);
    expect({ r: s.reachedUp, c: s.completedUp, m: s.modulesUp, e: s.enrolledUp }).toEqual({
      r: 12,
      c: 12,
      m: 2,
      e: 20,
    });
    expect({ r: s.reachedEp, c: s.completedEp }).toEqual({ r: 6, c: 6 });
    expect(s.completions).toBe(30);
    expect(s.status).toBe('met');
  });

  it('records an offline session at a facility without an LMS, through the form', async () => {
    const enr = await post(facilityAdmin, `${t.facility.id}/enrolment`, {
      'enrolled_early-primary': '15',
    });
    expect(enr.status).toBe(303);
    const res = await post(facilityAdmin, `${t.facility.id}/offline`, {
      heldOn: today,
      band: 'early-primary',
      grades: '1, 2',
      topic: 'Không nói chuyện với người lạ trên mạng',
      participants: '15',
      evidenceNote: 'Sổ điểm danh do cán bộ cơ sở lưu',
    });
    expect(res.status).toBe(303);
    const f = await stat(t.facility.id);
    expect({
      reached: f.reachedEp,
      completed: f.completedEp,
      sessions: f.offlineSessions,
      status: f.status,
    }).toEqual({
      reached: 15,
      completed: 15,
      sessions: 1,
      status: 'met',
    });
    const forbidden = await post(school, `${t.school.id}/offline`, {}).catch(() => null);
    expect(forbidden?.status).not.toBe(303);
  });

  it('rolls statuses up to the commune and the province, and a rebuild from raw records agrees', async () => {
    const c = await rollup(t.commune.id);
    expect({
      expected: c.expected,
      met: c.met,
      started: c.started,
      reachedEp: c.reachedEp,
      reachedUp: c.reachedUp,
    }).toEqual({ expected: 2, met: 2, started: 2, reachedEp: 21, reachedUp: 12 });
    const p = await rollup(t.province.id);
    expect({
      expected: p.expected,
      met: p.met,
      started: p.started,
      completions: p.completions,
      offline: p.offlineSessions,
    }).toEqual({ expected: 3, met: 2, started: 2, completions: 30, offline: 1 });
    const result = await tool
      .get<StatsService>(StatsService)
      .rebuild(campaignId, { fromRaw: true });
    expect({
      units: result.units,
      unitsChanged: result.unitsChanged,
      nodesChanged: result.nodesChanged,
    }).toEqual({ units: 3, unitsChanged: 0, nodesChanged: 0 });
  });

  it('suppresses small cells above school level, with complementary suppression', async () => {
    const res = await gql<{
      coverage: {
        suppressed: boolean;
        children: {
          id: string;
          bands: { band: string; reached: number | null }[];
          total: { reached: number | null };
        }[];
      };
    }>(tool, commune.cookies, COVERAGE, { c: campaignId, n: t.commune.id });
    expect(res.errors).toBeUndefined();
    const view = res.data!.coverage;
    expect(view.suppressed).toBe(true);
    const schoolRow = view.children.find((r) => r.id === t.school.id)!;
    const ep = schoolRow.bands.find((b) => b.band === 'early-primary')!;
    expect(ep.reached).toBeNull(); // 6 pupils
    // 6 hidden + 12 shown would reveal 6 from the row total 18: a second cell is hidden too
    const up = schoolRow.bands.find((b) => b.band === 'upper-primary')!;
    expect(
      [up.reached, schoolRow.total.reached].filter((v) => v === null).length,
    ).toBeGreaterThanOrEqual(1);
    for (const row of view.children) {
      for (const b of row.bands) {
        if (b.reached !== null) {
          expect(b.reached === 0 || b.reached >= 10).toBe(true);
        }
      }
    }
    const own = await gql<{
      coverage: { suppressed: boolean; bands: { band: string; reached: number | null }[] };
    }>(tool, school.cookies, COVERAGE, { c: campaignId, n: t.school.id });
    expect(own.data!.coverage.suppressed).toBe(false);
    expect(own.data!.coverage.bands.find((b) => b.band === 'early-primary')!.reached).toBe(6);
  });

  it('runs submit → approve bottom-up → lock → send back, with an audit trail', async () => {
    const submit = `mutation($c: ID!, $n: ID!, $r: String!) { submitReport(campaignId: $c, nodeId: $n, remarks: $r) { status onTime } }`;
    const approve = `mutation($c: ID!, $n: ID!) { approveReport(campaignId: $c, nodeId: $n) { status } }`;
    const back = `mutation($c: ID!, $n: ID!, $r: String!) { sendBackReport(campaignId: $c, nodeId: $n, reason: $r) { status returnedReason } }`;
    const s1 = await gql<{ submitReport: { status: string; onTime: boolean } }>(
      tool,
      school.cookies,
      submit,
      { c: campaignId, n: t.school.id, r: 'Đã dạy 2 bài cho khối 3–5' },
    );
    expect(s1.data!.submitReport).toEqual({ status: 'submitted', onTime: true });
    await gql(tool, facilityAdmin.cookies, submit, { c: campaignId, n: t.facility.id, r: '' });
    const early = await gql(tool, commune.cookies, approve, { c: campaignId, n: t.commune.id });
    expect(early.errors?.[0].extensions?.code).toBe('COVERAGE_NOT_READY');
    const self = await gql(tool, school.cookies, approve, { c: campaignId, n: t.school.id });
    expect(self.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(
      (await gql(tool, commune.cookies, approve, { c: campaignId, n: t.school.id })).errors,
    ).toBeUndefined();
    // through the page form, as an official would
    expect((await post(commune, `${t.facility.id}/approve`, {})).status).toBe(303);
    expect(
      (await gql(tool, commune.cookies, approve, { c: campaignId, n: t.commune.id })).errors,
    ).toBeUndefined();
    // approved data is locked
    const locked = await post(school, `${t.school.id}/enrolment`, {
      'enrolled_early-primary': '11',
    });
    expect(locked.status).toBe(409);
    // the high school skips the commune level: the province approves it directly
    await gql(tool, highAdmin.cookies, submit, { c: campaignId, n: t.highSchool.id, r: '' });
    expect(
      (await gql(tool, province.cookies, approve, { c: campaignId, n: t.highSchool.id })).errors,
    ).toBeUndefined();
    const top = await gql<{ approveReport: { status: string } }>(tool, province.cookies, approve, {
      c: campaignId,
      n: t.province.id,
    });
    expect(top.data!.approveReport.status).toBe('approved');
    let p = await rollup(t.province.id);
    expect({ received: p.received, approved: p.approved, onTime: p.onTime }).toEqual({
      received: 3,
      approved: 3,
      onTime: 3,
    });
    // a level below an approved one cannot be sent back until that level is reopened
    const blocked = await gql(tool, province.cookies, back, {
      c: campaignId,
      n: t.commune.id,
      r: 'Thiếu minh chứng',
    });
    expect(blocked.errors?.[0].extensions?.code).toBe('COVERAGE_LOCKED');
    await gql(tool, province.cookies, back, {
      c: campaignId,
      n: t.province.id,
      r: 'Mở lại để kiểm tra',
    });
    const sent = await gql<{ sendBackReport: { status: string; returnedReason: string } }>(
      tool,
      province.cookies,
      back,
      { c: campaignId, n: t.commune.id, r: 'Thiếu minh chứng' },
    );
    expect(sent.data!.sendBackReport).toEqual({
      status: 'returned',
      returnedReason: 'Thiếu minh chứng',
    });
    expect(
      (
        await gql(tool, commune.cookies, back, {
          c: campaignId,
          n: t.school.id,
          r: 'Bổ sung ghi chú',
        })
      ).errors,
    ).toBeUndefined();
    p = await rollup(t.province.id);
    expect({ received: p.received, approved: p.approved }).toEqual({ received: 2, approved: 2 });
    const page = await tool.http
      .get(`/coverage/campaigns/${campaignId}/nodes/${t.school.id}?lang=en`)
      .set('Cookie', school.cookies)
      .expect(200);
    expect(page.text).toContain('Report sent back: Bổ sung ghi chú');
    expect(page.text).toMatch(/Submitted[\s\S]*Approved[\s\S]*Sent back/);
    // entry is open again: the school can resubmit
    expect(
      (await gql(tool, school.cookies, submit, { c: campaignId, n: t.school.id, r: 'Đã bổ sung' }))
        .errors,
    ).toBeUndefined();
  });

  it('shows dashboards with a chart and the same data as a table, and serves chart.js locally', async () => {
    const page = await tool.http
      .get(`/coverage/campaigns/${campaignId}/nodes/${t.province.id}?lang=vi`)
      .set('Cookie', province.cookies)
      .expect(200);
    expect(page.text).toContain(t.commune.name);
    expect(page.text).toContain(t.highSchool.name);
    expect(page.text).toContain("<canvas id='coverage-chart'");
    expect(page.text).toContain('data-chart=');
    expect(page.text).toContain('/vendor/chart.umd.js');
    expect(page.text).toContain('Các đơn vị trực thuộc');
    const js = await tool.http.get('/vendor/chart.umd.js').expect(200);
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.text.length).toBeGreaterThan(100_000);
    const index = await tool.http
      .get('/coverage?lang=en')
      .set('Cookie', province.cookies)
      .expect(200);
    expect(index.text).toContain('Test campaign');
  });

  it('exports CSV, XLSX and PDF with no cell under the threshold and no pupil data', async () => {
    const base = `/coverage/campaigns/${campaignId}/nodes/${t.commune.id}`;
    const csv = await tool.http
      .get(`${base}/export.csv?lang=en`)
      .set('Cookie', commune.cookies)
      .expect(200);
    const rows: string[][] = parse(csv.text, { bom: true });
    const header = rows[0];
    const pupilCols = header
      .map((h, i) => (/Pupils|Reached|Completed/.test(h) ? i : -1))
      .filter((i) => i >= 0);
    expect(pupilCols.length).toBe(15);
    for (const r of rows.slice(1)) {
      for (const i of pupilCols) {
        expect(r[i] === '*' || r[i] === '0' || Number(r[i]) >= 10).toBe(true);
      }
    }
    expect(csv.text).not.toMatch(/lti:platform|up-\d+|ep-\d+/); // no learner keys
    expect(csv.text).toContain(t.school.name);
    const xlsx = await download(tool, commune.cookies, `${base}/export.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    const values: string[] = [];
    wb.worksheets[0].eachRow((row) => row.eachCell((cell) => values.push(cell.text)));
    expect(values).toContain(t.school.name);
    const pdf = await download(tool, commune.cookies, `${base}/export.pdf?lang=vi`);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('never lets an official of another province read these figures (GraphQL and exports)', async () => {
    const res = await gql(tool, otherProvince.cookies, COVERAGE, {
      c: campaignId,
      n: t.province.id,
    });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
    for (const f of ['csv', 'xlsx', 'pdf']) {
      await tool.http
        .get(`/coverage/campaigns/${campaignId}/nodes/${t.commune.id}/export.${f}`)
        .set('Cookie', otherProvince.cookies)
        .expect(403);
    }
    await tool.http
      .get(`/coverage/campaigns/${campaignId}/nodes/${t.province.id}`)
      .set('Cookie', otherProvince.cookies)
      .set('Accept', 'text/html')
      .expect(403);
    const school2 = await gql(tool, school.cookies, COVERAGE, { c: campaignId, n: t.commune.id });
    expect(school2.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps history when a school moves, and the refresh follows the move', async () => {
    const orgs = tool.get<OrgsService>(OrgsService);
    const moved = await orgs.change(t.school.id, { parentCode: t.commune2.code }, today);
    expect(moved.parentId).toBe(t.commune2.id);
    const versions = await orgs.versions(t.school.id);
    expect(versions.map((v) => [v.parentId, v.validTo])).toEqual([
      [t.commune.id, today],
      [t.commune2.id, null],
    ]);
    expect(await orgs.lineageAt(t.school.id, today)).toContain(t.commune2.id);
    // A ward that existed since 2024 and moved to another province today keeps its past.
    const ward = await orgs.create({
      code: `W-${t.suffix}`,
      name: 'Ward',
      type: OrgType.COMMUNE,
      parentCode: t.province.code,
      validFrom: '2024-01-01',
    });
    await orgs.change(ward.id, { parentCode: t.otherProvince.code, name: 'Ward (merged)' }, today);
    // (the test's province itself was created today, so the 2025 chain stops at it)
    expect((await orgs.lineageAt(ward.id, '2025-01-01')).slice(-2)).toEqual([
      t.province.id,
      ward.id,
    ]);
    expect(await orgs.lineageAt(ward.id, today)).toEqual([
      t.ministry.id,
      t.otherProvince.id,
      ward.id,
    ]);
    expect((await orgs.versionAt(ward.id, '2025-01-01'))?.name).toBe('Ward');
    await tool.get<StatsService>(StatsService).rebuild(campaignId, { fromRaw: false });
    expect((await rollup(t.commune2.id)).expected).toBe(1);
    expect((await rollup(t.commune.id)).expected).toBe(1);
    expect((await rollup(t.province.id)).expected).toBe(3);
    const check = await tool.get<StatsService>(StatsService).rebuild(campaignId, { fromRaw: true });
    expect(check.nodesChanged).toBe(0);
  });

  it('writes reminders for admins of lagging schools and e-mails them once through the core MailService', async () => {
    const due = addDays(addDays(today, 60), 15);
    const days = Math.round((Date.parse(due) - Date.parse(today)) / 86_400_000);
    await tool.dataSource
      .getRepository(CampaignEntity)
      .update({ id: campaignId }, { reminderDays: [days] });
    // a second admin of the high school, whose mailbox the server refuses (550)
    const gone = await signedIn(tool, Role.SCHOOL_ADMIN, t.highSchool.id);
    smtp.rejects.add(gone.email);
    // the school was sent back and resubmitted; the high school's report was approved: nobody lags but…
    const ds = tool.get<DataSource>(DataSource);
    await ds
      .getRepository(SchoolStatEntity)
      .update(
        { campaignId, schoolId: t.highSchool.id },
        { status: 'at_risk', reportStatus: 'none' },
      );
    const job = tool.get<RemindersJob>(RemindersJob);
    expect(await job.remind(new Date())).toBe(2);
    expect(await job.remind(new Date())).toBe(0);
    const reminders = ds.getRepository(ReminderEntity);
    await eventually(
      async () =>
        (await reminders.findOneBy({ campaignId, accountId: highAdmin.id }))?.status === 'sent',
    );
    // a permanent rejection marks the reminder failed (no endless retries)
    await eventually(
      async () =>
        (await reminders.findOneBy({ campaignId, accountId: gone.id }))?.status === 'failed',
    );
    await tool
      .get<QueueService>(QueueService)
      .waitForIdle(10_000)
      .catch(() => undefined);
    const sent = await reminders.findOneByOrFail({ campaignId, accountId: highAdmin.id });
    const mails = smtp.received.filter((m) => m.to.includes(highAdmin.email));
    expect(mails).toHaveLength(1);
    expect(mails[0].raw.replace(/\r\n[ \t]+/g, ' ')).toContain(
      `Message-ID: <coverage-reminder-${sent.id}@safenest>`,
    );
    const mail = decodeMail(mails[0].raw);
    expect(mail.subject).toContain('Test campaign 2026–2027');
    expect(mail.subject).toContain(due);
    expect(mail.text).toContain(t.highSchool.name);
    expect(mail.text).toContain(`/coverage/campaigns/${campaignId}/nodes/${t.highSchool.id}`);
    expect(mail.text).toContain('Xem tiến độ'); // Vietnamese first…
    expect(mail.text).toMatch(/---[\s\S]*report/i); // …then English
    expect(smtp.received.some((m) => m.to.includes(gone.email))).toBe(false);
  });

  it('lets an official define a campaign through the form, and explains a bad one', async () => {
    const form = await tool.http
      .get(`/coverage/campaigns/new?node=${t.province.id}&lang=vi`)
      .set('Cookie', province.cookies)
      .expect(200);
    expect(form.text).toContain('Tạo đợt triển khai mới');
    const csrf = await csrfOf(tool, province.cookies, '/account');
    const fields = {
      _csrf: csrf,
      scopeNodeId: t.province.id,
      name: 'Học kỳ II',
      periodKind: 'semester',
      periodStart: addDays(today, 100),
      periodEnd: addDays(today, 200),
      orgTypes: 'school',
      levels: 'upper_secondary',
      'minModules_upper-secondary': '1',
      'minShare_upper-secondary': '60',
      dueDays: '10',
      lockDays: '20',
      reminderDays: '7, 1',
    };
    const res = await tool.http
      .post('/coverage/campaigns')
      .set('Cookie', province.cookies)
      .type('form')
      .send(fields)
      .expect(303);
    const created = /campaigns\/([0-9a-f-]{36})\/nodes/.exec(res.headers.location)![1];
    const c = await tool.dataSource.getRepository(CampaignEntity).findOneByOrFail({ id: created });
    expect({
      kind: c.periodKind,
      levels: c.levels,
      req: c.requirements,
      reminders: c.reminderDays,
    }).toEqual({
      kind: 'semester',
      levels: ['upper_secondary'],
      req: [{ band: 'upper-secondary', minModules: 1, minShare: 0.6 }],
      reminders: [7, 1],
    });
    // only the upper-secondary school is expected in it
    expect((await rollup2(created, t.province.id)).expected).toBe(1);
    const bad = await tool.http
      .post('/coverage/campaigns')
      .set('Cookie', province.cookies)
      .set('Accept', 'text/html')
      .type('form')
      .send({ ...fields, lockDays: '5' })
      .expect(400);
    expect(bad.text).toContain('Thông tin đợt triển khai chưa hợp lệ.');
  });
});

function campaignInput(scopeNodeId: string, today: string): Record<string, unknown> {
  return {
    name: 'Test campaign 2026–2027',
    scopeNodeId,
    periodKind: 'custom',
    periodStart: addDays(today, -30),
    periodEnd: addDays(today, 60),
    orgTypes: ['SCHOOL', 'FACILITY'],
    requirements: [
      { band: 'early-primary', minModules: 1, minShare: 0.5 },
      { band: 'upper-primary', minModules: 2, minShare: 0.5 },
      { band: 'upper-secondary', minModules: 1, minShare: 0.5 },
    ],
    dueDays: 15,
    lockDays: 30,
    reminderDays: [14, 7, 1],
  };
}

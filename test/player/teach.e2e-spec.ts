import { CatalogService, CurriculumModule, type BandCheck } from '@lib/curricula';
import { LaunchService, RosterService, SandboxService } from '@lib/lti';
import { LtiContextEntity } from '../../libs/lti/src/entities/lti.entities';
import { MessageEntity } from '@lib/messaging';
import { INestApplicationContext } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { createTenant, Tenant } from '../support/fixtures';
import {
  bindSandbox,
  createPlayerClass,
  decodeHtml,
  launchFromSandbox,
  PlayerClass,
  PlayerClient,
} from '../support/player-fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

const MODULE = 'up-strong-passwords';

describe('Teacher view: a class from the sandbox LMS', () => {
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let tenant: Tenant;
  let sandbox: SandboxService;
  let cls: PlayerClass;
  let linkId: string;
  let module: CurriculumModule;
  let check: BandCheck;
  let teacher: PlayerClient;

  const launch = async (userId: string): Promise<{ client: PlayerClient; location: string }> => {
    const { location, lt } = await launchFromSandbox(tool, {
      classId: cls.classId,
      userId,
      linkId,
    });
    return { client: new PlayerClient(tool, lt, 'vi'), location };
  };
  const name = (i: number): string => cls.students[i].name;

  beforeAll(async () => {
    tool = await startTool();
    if (usesRedis()) {
      worker = await startWorker();
    }
    tenant = await createTenant(tool);
    sandbox = await bindSandbox(tool, tenant);
    cls = await createPlayerClass(sandbox, tenant, 4);
    const catalog = tool.get<CatalogService>(CatalogService);
    module = catalog.get(MODULE);
    check = catalog.bandCheck('upper-primary');
    const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
    linkId = (await sandbox.addLink(cls.classId, module.title.vi, MODULE, max)).id;

    // Pupil 0: the pre-check all wrong, the lesson all right, the post-check all right.
    const a = (await launch(cls.students[0].id)).client;
    const pre = /\/play\/attempt\/([0-9a-f-]{36})\//.exec(
      (await a.post('/play/check/upper-primary/pre/start')).location ?? '',
    )![1];
    await a.answerAll(pre, check.items, 0, 'wrong');
    const preResult = await a.submit(pre);
    expect(preResult.text).toContain('Cảm ơn em! Bây giờ mình cùng vào bài học nhé.');
    const first = await a.start(MODULE);
    await a.answerAll(first.attemptId, module.assessment.items, module.pages.length, 'correct');
    const result = await a.submit(first.attemptId);
    expect(result.text).toContain('Bài kiểm tra cuối chủ đề');
    const post = /\/play\/attempt\/([0-9a-f-]{36})\//.exec(
      (await a.post('/play/check/upper-primary/post/start')).location ?? '',
    )![1];
    await a.answerAll(post, check.items, 0, 'correct');
    const postResult = await a.submit(post);
    expect(postResult.text).toContain('Em đã tiến bộ 100 điểm phần trăm');

    // Pupil 1: the first question wrong; the school's LMS refuses the score once.
    const b = (await launch(cls.students[1].id)).client;
    await b.post('/play/check/upper-primary/pre/skip');
    const attempt = await b.start(MODULE);
    await b.answerAll(attempt.attemptId, module.assessment.items, module.pages.length, (item) =>
      item.id === module.assessment.items[0].id ? 'wrong' : 'correct',
    );
    if (!usesRedis()) {
      await tool.queue.waitForIdle();
    }
    sandbox.fault = { status: 400, remaining: 1, scope: 'scores' };
    await b.submit(attempt.attemptId);

    // Pupil 2 has started; pupil 3 has never opened the lesson.
    const c = (await launch(cls.students[2].id)).client;
    await c.post('/play/check/upper-primary/pre/skip');
    await c.start(MODULE);

    const t = await launch(cls.teacher.id);
    expect(t.location).toMatch(/^\/teach\/class\?lt=/);
    teacher = t.client;
  });
  afterAll(async () => {
    sandbox.fault = null;
    await worker?.close();
    await tool.close();
  });

  it('shows progress per pupil from the roster, with who has not started, and failed grade deliveries', async () => {
    const page = await eventually(async () => {
      const res = await teacher.get('/teach/class');
      return res.text.includes(name(3)) && res.text.includes('lần gửi điểm về LMS bị lỗi')
        ? res
        : null;
    }, 20_000);
    expect(page.status).toBe(200);
    const html = decodeHtml(page.text);
    const row = (i: number): string =>
      new RegExp(`<th scope="row">${name(i)}</th>(.*?)</tr>`).exec(html)?.[1] ?? '';
    expect(row(0)).toContain('100% ✓');
    expect(row(1)).toMatch(/\d+(\.\d)?% ✓/);
    expect(row(2)).toContain('Đang làm');
    expect(row(3)).toContain('Chưa bắt đầu');
    expect(html).toContain('3/4 học sinh đã bắt đầu · 2 đã nộp · 2 đạt');
    expect(html).not.toContain(cls.teacher.name);
    expect(Buffer.byteLength(page.text)).toBeLessThan(100 * 1024);
  });

  it('analyses items: % correct, the most common wrong answer and the misconception it signals', async () => {
    const page = await teacher.get(`/teach/class/items?module=${MODULE}`);
    const html = decodeHtml(page.text);
    const q1 = module.assessment.items[0];
    if (q1.type !== 'single') {
      throw new Error('q1 is a single choice');
    }
    const wrong = q1.options.find((o) => !o.correct && o.misconception)!;
    const block = html.slice(
      html.indexOf(q1.prompt.vi),
      html.indexOf('</li>', html.indexOf(q1.prompt.vi)),
    );
    expect(block).toContain('Tỉ lệ đúng: <strong>50%</strong> (1/2)');
    expect(block).toContain(`(1 học sinh): ${wrong.text.vi}`);
    expect(block).toContain(wrong.misconception!.vi);
    expect(html).toContain('Tính trên lần làm đầu tiên của mỗi học sinh (2 bài nộp)');
  });

  it('shows the learning gain from the band pre/post check', async () => {
    const page = await teacher.get('/teach/class/gain');
    const html = decodeHtml(page.text);
    expect(html).toContain(
      'Trung bình trước: 0% · sau: 100% · tiến bộ: 100 điểm phần trăm (1 học sinh)',
    );
    expect(html).toMatch(
      new RegExp(
        `<th scope="row">${name(0)}</th><td class="num">0%</td><td class="num">100%</td><td class="num">100</td>`,
      ),
    );
  });

  it('exports the class as CSV and shows the family note to print', async () => {
    const res = await tool.http.get(`/teach/class/export.csv?${teacher.q}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows: string[][] = parse(res.text.replace(/^\ufeff/, ''));
    expect(rows[0]).toEqual([
      'Học sinh',
      'Mã bài',
      'Bài học',
      'Trạng thái',
      'Số lượt',
      'Điểm cao nhất (%)',
      'Điểm lần cuối (%)',
      'Điểm trong sổ (%)',
      'Đạt',
      'Lần cuối',
    ]);
    expect(rows.find((r) => r[0] === name(0))?.slice(1, 6)).toEqual([
      MODULE,
      module.title.vi,
      'Đạt',
      '1',
      '100',
    ]);
    expect(rows.find((r) => r[0] === name(3))?.[3]).toBe('Chưa bắt đầu');

    const note = await teacher.get('/teach/class/family-note');
    expect(note.status).toBe(200);
    expect(note.text).toContain('print-button');
    const firstLine = module.familyNote.vi
      .split('\n')
      .find((l) => l.trim() && !l.startsWith('#'))!
      .replace(/\*\*/g, '')
      .slice(0, 30);
    expect(decodeHtml(note.text)).toContain(firstLine);
  });

  it('shows the teacher guide with the timed lesson plan and the 15-minute version, in either language', async () => {
    const vi = decodeHtml((await teacher.get('/teach/class/guide')).text);
    expect(vi).toContain('<h2>Hướng dẫn giáo viên: Mật khẩu mạnh, tài khoản an toàn</h2>');
    expect(vi).toContain('<h3>Kế hoạch bài dạy (40 phút)</h3>');
    expect(vi).toContain('<h3>Phiên bản rút gọn (15 phút)</h3>');
    expect(vi).not.toMatch(/<h1>Hướng dẫn/);
    // The timed plans scroll in their own box on a phone.
    expect(
      vi.match(/<div class="table-wrap" tabindex="0" role="region" aria-label="[^"]+"><table>/g),
    ).toHaveLength(2);
    expect(vi).toContain('print-button');
    const en = await tool.http
      .get(`/teach/class/guide?lt=${encodeURIComponent(teacher.lt)}&lang=en`)
      .set('Accept', 'text/html');
    expect(en.status).toBe(200);
    expect(decodeHtml(en.text)).toContain('<h3>Quick version (15 minutes)</h3>');
    expect(en.text).toContain('<html lang="en">');
    const pupil = (await launch(cls.students[3].id)).client;
    expect((await pupil.get('/teach/class/guide')).status).toBe(403);
  });

  it("sends the family note to the class's parents through the parent channel, once per lesson", async () => {
    const note = await teacher.get('/teach/class/family-note');
    const form = /<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(note.text);
    expect(form?.[1]).toBe('/messaging/class/family-note');
    const fields = Object.fromEntries(
      [...form![2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1],
        decodeHtml(m[2]),
      ]),
    );
    expect(fields).toEqual({ lt: teacher.lt, lang: 'vi', module: MODULE });
    const messages = tool.dataSource.getRepository(MessageEntity);
    const classId = (await tool.get<LaunchService>(LaunchService).resolve(teacher.lt)).contextId;
    const key = `msg-family-note:${classId}:${MODULE}`;
    for (let i = 0; i < 2; i++) {
      const sent = await teacher.post('/messaging/class/family-note', { module: MODULE });
      expect(sent.status).toBe(303);
      expect(sent.location).toContain('done=note');
    }
    const rows = await messages.find({ where: { dedupeKey: key } });
    expect(rows.map((r) => [r.kind, r.audienceClassId, r.data])).toEqual([
      ['family_note', classId, { moduleId: MODULE }],
    ]);
  });

  it('lets the teacher retry a failed grade delivery, which then reaches the gradebook', async () => {
    const page = await teacher.get('/teach/class/deliveries');
    const html = decodeHtml(page.text);
    expect(html).toContain('Lỗi');
    const id = /action="\/teach\/class\/deliveries\/([0-9a-f-]{36})\/retry"/.exec(page.text)?.[1];
    expect(id).toBeDefined();
    const retry = await teacher.post(`/teach/class/deliveries/${id}/retry`);
    expect(retry.status).toBe(303);
    expect(retry.location).toContain('retried=1');
    const link = (await sandbox.links(cls.classId)).find((l) => l.id === linkId)!;
    const scores = await eventually(async () => {
      const all = await sandbox.scores(link.lineItemId!);
      return all.some((s) => s.userId === cls.students[1].id) ? all : null;
    }, 20_000);
    expect(scores.map((s) => s.userId).sort()).toEqual(
      [cls.students[0].id, cls.students[1].id].sort(),
    );
    const after = await eventually(async () => {
      const res = await teacher.get('/teach/class/deliveries');
      return res.text.includes('Lỗi') ? null : res;
    });
    expect(after.text).not.toContain('/retry');
  });

  it('sets the retry policy of the activity, which the pupils then meet', async () => {
    const saved = await teacher.post('/teach/class/policy', {
      maxAttempts: '1',
      scorePolicy: 'latest',
    });
    expect(saved.status).toBe(303);
    const page = await teacher.get('/teach/class');
    expect(page.text).toMatch(/<option value="1" selected>1<\/option>/);
    expect(page.text).toMatch(/<option value="latest" selected>/);
    const a = (await launch(cls.students[0].id)).client;
    const entry = await a.get(`/play/${MODULE}`);
    expect(entry.text).toContain('Em đã dùng hết số lượt làm bài.');
    expect(entry.text).toContain('Sổ điểm ghi điểm của lần làm gần nhất.');
  });

  it('lets the teacher preview the lesson without counting it, and keeps pupils out of the teacher view', async () => {
    const preview = await teacher.get(`/play/${MODULE}`);
    expect(preview.text).toContain('Chế độ xem thử của giáo viên');
    const started = await teacher.start(MODULE);
    await teacher.answerAll(
      started.attemptId,
      module.assessment.items,
      module.pages.length,
      'correct',
    );
    await teacher.submit(started.attemptId);
    const page = await teacher.get('/teach/class');
    expect(decodeHtml(page.text)).toContain('3/4 học sinh đã bắt đầu · 2 đã nộp · 2 đạt');

    const pupil = (await launch(cls.students[2].id)).client;
    const refused = await pupil.get('/teach/class');
    expect(refused.status).toBe(403);
  });

  it('shows a new class, before any pupil has started, with an empty state on every tab', async () => {
    const fresh = await createPlayerClass(sandbox, tenant, 2);
    const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
    const link = await sandbox.addLink(fresh.classId, module.title.vi, MODULE, max);
    const { lt, location } = await launchFromSandbox(tool, {
      classId: fresh.classId,
      userId: fresh.teacher.id,
      linkId: link.id,
    });
    expect(location).toMatch(/^\/teach\/class\?lt=/);
    const t = new PlayerClient(tool, lt, 'vi');
    const text = async (path: string): Promise<string> => {
      const res = await t.get(path);
      expect(res.status).toBe(200);
      return decodeHtml(res.text);
    };
    // With workers (Bull) the roster arrives from the LMS a moment after the launch.
    const progress = await eventually(async () => {
      const html = await text('/teach/class');
      return html.includes('0/2 học sinh đã bắt đầu') ? html : null;
    }, 20_000);
    expect(progress).toContain('0/2 học sinh đã bắt đầu · 0 đã nộp · 0 đạt');
    for (const s of fresh.students) {
      expect(progress).toMatch(
        new RegExp(`<th scope="row">${s.name}</th><td class="cell-none">Chưa bắt đầu`),
      );
    }
    expect(await text('/teach/class/items')).toContain('Chưa có bài nộp nào cho bài học này.');
    expect(await text('/teach/class/gain')).toContain('Chưa có học sinh nào làm bài thử sức.');
    expect(await text('/teach/class/deliveries')).toContain('Chưa có điểm nào được gửi.');
    expect(await text('/teach/class/guide')).toContain('Kế hoạch bài dạy (40 phút)');
    expect(await text('/teach/class/family-note')).toContain('/messaging/class/family-note');
    const en = await tool.http
      .get(`/teach/class/items?lt=${encodeURIComponent(lt)}&lang=en`)
      .set('Accept', 'text/html');
    expect(en.text).toContain('Nothing handed in for this lesson yet.');
    const csv: string[][] = parse(
      (await tool.http.get(`/teach/class/export.csv?${t.q}`)).text.replace(/^\ufeff/, ''),
    );
    expect(csv.slice(1).map((r) => r[3])).toEqual(['Chưa bắt đầu', 'Chưa bắt đầu']);
  });

  it('says why the class list is empty: the first sync still waiting for the LMS (with a reload link), or nobody enrolled', async () => {
    const fresh = await createPlayerClass(sandbox, tenant, 2);
    const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
    const link = await sandbox.addLink(fresh.classId, module.title.vi, MODULE, max);
    // The LMS does not answer its services for now: the roster sync after the launch fails.
    await tool.http
      .post('/sandbox/faults')
      .send({ status: 503, times: 1000, scope: 'all' })
      .expect(200);
    let t: PlayerClient;
    try {
      const { lt } = await launchFromSandbox(tool, {
        classId: fresh.classId,
        userId: fresh.teacher.id,
        linkId: link.id,
      });
      t = new PlayerClient(tool, lt, 'vi');
      const html = decodeHtml((await t.get('/teach/class')).text);
      expect(html).toContain(
        'Đang lấy danh sách lớp từ LMS, thường chỉ mất vài giây. Nếu danh sách vẫn trống, LMS chưa trả lời và SafeNest sẽ tự thử lại.',
      );
      expect(html).toMatch(/<a href="\/teach\/class\?lt=[^"]+">Tải lại trang<\/a>/);
    } finally {
      await tool.http.post('/sandbox/faults').send({ times: 0 }).expect(200);
    }
    // Once the LMS answers, the list is there.
    const row = await tool.dataSource
      .getRepository(LtiContextEntity)
      .findOneByOrFail({ contextId: fresh.classId });
    await tool.get<RosterService>(RosterService).sync(row.id);
    const synced = decodeHtml((await t.get('/teach/class')).text);
    expect(synced).toContain('0/2 học sinh đã bắt đầu');
    expect(synced).not.toContain('Tải lại trang');

    // An LMS class with nobody enrolled says so, without a reload link.
    const empty = await createPlayerClass(sandbox, tenant, 0);
    const emptyLink = await sandbox.addLink(empty.classId, module.title.vi, MODULE, max);
    const { lt } = await launchFromSandbox(tool, {
      classId: empty.classId,
      userId: empty.teacher.id,
      linkId: emptyLink.id,
    });
    const e = new PlayerClient(tool, lt, 'en');
    const emptyRow = await tool.dataSource
      .getRepository(LtiContextEntity)
      .findOneByOrFail({ contextId: empty.classId });
    await tool.get<RosterService>(RosterService).sync(emptyRow.id);
    const none = decodeHtml((await e.get('/teach/class')).text);
    expect(none).toContain(
      'The LMS has no pupils enrolled in this class yet. Enrolled pupils appear here after the next sync.',
    );
    expect(none).not.toContain('Reload the page');
  });

  it('tells a teacher whose class has no SafeNest lesson yet how to add one, on every tab', async () => {
    const bare = await createPlayerClass(sandbox, tenant, 1);
    // An external-tool activity added by hand in the LMS: no module chosen by deep linking.
    const link = await sandbox.addLink(bare.classId, 'Hand-made link');
    const { lt, location } = await launchFromSandbox(tool, {
      classId: bare.classId,
      userId: bare.teacher.id,
      linkId: link.id,
    });
    expect(location).toMatch(/^\/teach\/class\?lt=/);
    const t = new PlayerClient(tool, lt, 'vi');
    const hint =
      'Lớp chưa có bài học nào. Hãy thêm SafeNest vào khoá học bằng nút “Thêm hoạt động”.';
    for (const tab of [
      '/teach/class',
      '/teach/class/items',
      '/teach/class/guide',
      '/teach/class/family-note',
    ]) {
      const res = await t.get(tab);
      expect(res.status).toBe(200);
      expect(decodeHtml(res.text)).toContain(hint);
    }
    const en = await tool.http
      .get(`/teach/class?lt=${encodeURIComponent(lt)}&lang=en`)
      .set('Accept', 'text/html');
    expect(en.status).toBe(200);
    expect(decodeHtml(en.text)).toContain(
      'No lesson in this class yet. Add SafeNest to the course with “Add an activity”.',
    );
  });

  it('gives the school admin aggregates of every class, without pupil names', async () => {
    const { client, location } = await launch(cls.admin.id);
    expect(location).toMatch(/^\/teach\/school\?lt=/);
    const page = await client.get('/teach/school');
    const html = decodeHtml(page.text);
    expect(html).toContain('Tổng quan nhà trường');
    expect(html).toMatch(
      new RegExp(
        `<th scope="row">${cls.title}</th><td>${module.title.vi}</td><td class="num">3</td><td class="num">2</td><td class="num">2</td>`,
      ),
    );
    for (const s of cls.students) {
      expect(html).not.toContain(s.name);
    }
  });
});

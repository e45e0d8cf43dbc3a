import { CampaignsService, vnToday, addDays } from '@lib/campaigns';
import { DeliveryEntity } from '@lib/coverage';
import {
  AttemptsService,
  CatalogService,
  CurriculumModule,
  type AssessmentItem,
  type Language,
  type LocalizedText,
} from '@lib/curricula';
import { GradePassbackService, LaunchService, SandboxService } from '@lib/lti';
import { OrgType, SchoolLevel } from '@lib/orgs';
import { INestApplicationContext } from '@nestjs/common';
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

/** Every text only a graded result may show: feedback and misconceptions. */
function secretTexts(item: AssessmentItem, lang: Language): string[] {
  const texts: Array<LocalizedText | undefined> = [];
  switch (item.type) {
    case 'single':
    case 'multiple':
      item.options.forEach((o) => texts.push(o.feedback, o.misconception));
      break;
    case 'truefalse':
      texts.push(item.feedback.correct, item.feedback.incorrect, item.misconception);
      break;
    case 'ordering':
    case 'matching':
      texts.push(item.feedback.correct, item.feedback.incorrect);
      break;
    case 'scenario':
      item.nodes.forEach((n) => n.choices.forEach((c) => texts.push(c.feedback, c.misconception)));
      break;
  }
  return texts.flatMap((t) => (t ? [t[lang]] : []));
}

describe('Player: a pupil launched from the sandbox LMS', () => {
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let tenant: Tenant;
  let sandbox: SandboxService;
  let cls: PlayerClass;
  let linkId: string;
  let module: CurriculumModule;

  const launch = async (userId: string, locale?: string): Promise<PlayerClient> => {
    const { location, lt } = await launchFromSandbox(tool, {
      classId: cls.classId,
      userId,
      linkId,
      locale,
    });
    expect(location).toBe(`/play/${MODULE}?lt=${encodeURIComponent(lt)}`);
    return new PlayerClient(tool, lt, locale === 'en' ? 'en' : 'vi');
  };
  const contextId = async (client: PlayerClient): Promise<string> =>
    (await tool.get<LaunchService>(LaunchService).resolve(client.lt)).contextId as string;

  beforeAll(async () => {
    tool = await startTool();
    if (usesRedis()) {
      worker = await startWorker();
    }
    tenant = await createTenant(tool);
    sandbox = await bindSandbox(tool, tenant);
    cls = await createPlayerClass(sandbox, tenant, 5);
    module = tool.get<CatalogService>(CatalogService).get(MODULE);
    const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
    linkId = (await sandbox.addLink(cls.classId, module.title.vi, MODULE, max)).id;
    const today = vnToday();
    await tool.get<CampaignsService>(CampaignsService).create(
      {
        name: `Online safety ${tenant.suffix}`,
        scopeNodeId: tenant.province.id,
        periodKind: 'custom',
        periodStart: addDays(today, -10),
        periodEnd: addDays(today, 30),
        orgTypes: [OrgType.SCHOOL],
        levels: [SchoolLevel.PRIMARY],
        requirements: [{ band: 'upper-primary', minModules: 1, minShare: 0.5 }],
        dueDays: 10,
        lockDays: 30,
      },
      null,
    );
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
  });

  it('opens the module in Vietnamese, offers the band pre-check first, and goes to the lesson when skipped', async () => {
    const pupil = await launch(cls.students[0].id);
    const entry = await pupil.get(`/play/${MODULE}`);
    expect(entry.status).toBe(200);
    expect(entry.text).toContain('<html lang="vi">');
    expect(entry.text).toContain(module.title.vi);
    expect(entry.text).toContain(module.essentialQuestion.vi);
    expect(entry.text).toContain('Trước khi học: thử sức một chút');
    expect(entry.text).toContain(`href="/help?lt&#x3D;${pupil.lt}`);
    const skip = await pupil.post(`/play/check/upper-primary/pre/skip`);
    expect(skip.status).toBe(303);
    const after = await pupil.get(`/play/${MODULE}`);
    expect(after.text).not.toContain('Trước khi học: thử sức một chút');
    expect(after.text).toContain('Bắt đầu học');
    expect(after.text).toContain('Em còn 3 lượt làm bài.');
  });

  it('never sends a key or feedback before submission, carries lt in every link and form, and keeps pages under 100 KB', async () => {
    const pupil = await launch(cls.students[1].id);
    await pupil.post(`/play/check/upper-primary/pre/skip`);
    const { attemptId } = await pupil.start(MODULE);
    await pupil.answerAll(attemptId, module.assessment.items, module.pages.length, 'correct');
    const secrets = module.assessment.items.flatMap((item) => secretTexts(item, 'vi'));
    expect(secrets.length).toBeGreaterThan(20);
    expect(pupil.pages.length).toBeGreaterThan(
      module.pages.length + module.assessment.items.length,
    );
    for (const { url, html } of pupil.pages) {
      const text = decodeHtml(html);
      for (const secret of secrets) {
        expect({ url, leaked: text.includes(secret) ? secret : null }).toEqual({
          url,
          leaked: null,
        });
      }
      expect(html).not.toMatch(/data-(correct|score|answer)/);
      expect(Buffer.byteLength(html)).toBeLessThan(100 * 1024);
      for (const m of html.matchAll(/(?:href|action)="(\/(?:play|help|teach)[^"]*)"/g)) {
        const target = decodeHtml(m[1]);
        if (
          target.startsWith('/play/check') ||
          /\/(start|submit|skip)$/.test(target) ||
          /\/play\/attempt\/[^/]+\/\d+$/.test(target)
        ) {
          continue; // a form post: lt travels in its hidden field (checked below)
        }
        expect({ url, target, lt: target.includes(`lt=${pupil.lt}`) }).toEqual({
          url,
          target,
          lt: true,
        });
      }
      for (const form of html.matchAll(/<form method="post"[\s\S]*?<\/form>/g)) {
        expect(form[0]).toContain(`name="lt" value="${pupil.lt}"`);
      }
    }
  });

  it('saves each answer as it is given and resumes where the pupil stopped, even from a new launch', async () => {
    const student = cls.students[2];
    const first = await launch(student.id);
    await first.post(`/play/check/upper-primary/pre/skip`);
    const { attemptId, step } = await first.start(MODULE);
    expect(step).toBe(1);
    const q1 = module.assessment.items[0];
    const n = module.pages.length + 1;
    expect(q1.type).toBe('single');
    await first.get(`/play/attempt/${attemptId}/${n}`);
    const option = q1.type === 'single' ? q1.options[1].id : '';
    expect(
      (await first.post(`/play/attempt/${attemptId}/${n}`, { answer: option, go: 'next' })).status,
    ).toBe(303);
    // The script's autosave: the same form answered with JSON.
    const auto = await tool.http
      .post(`/play/attempt/${attemptId}/${n + 1}`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ lt: first.lt, lang: 'vi', go: 'save', answer: 'true' });
    expect(auto.status).toBe(200);
    expect(auto.body).toEqual({ saved: true, error: null });
    const bad = await tool.http
      .post(`/play/attempt/${attemptId}/${n}`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ lt: first.lt, go: 'save', answer: 'no-such-option' });
    expect(bad.status).toBe(400);

    const second = await launch(student.id);
    const entry = await second.get(`/play/${MODULE}`);
    expect(entry.text).toContain('Học tiếp từ chỗ đã dừng');
    const resumed = await second.start(MODULE);
    expect(resumed).toEqual({ attemptId, step: n + 1 });
    const back = await second.get(`/play/attempt/${attemptId}/${n}`);
    expect(back.text).toMatch(new RegExp(`value="${option}" checked`));
    const tf = await second.get(`/play/attempt/${attemptId}/${n + 1}`);
    expect(tf.text).toMatch(/value="true" checked/);
  });

  it('grades on the server with feedback and mastery; the score reaches the gradebook and coverage counts the completion', async () => {
    const pupil = await launch(cls.students[3].id);
    await pupil.post(`/play/check/upper-primary/pre/skip`);
    const { attemptId } = await pupil.start(MODULE);
    const review = await pupil.answerAll(
      attemptId,
      module.assessment.items,
      module.pages.length,
      (item) => (item.id === module.assessment.items[0].id ? 'wrong' : 'correct'),
    );
    expect(review.text).toContain('Xem lại trước khi nộp');
    expect(review.text).not.toContain('Chưa trả lời');
    const [double, result] = await Promise.all([
      pupil.post(`/play/attempt/${attemptId}/submit`),
      pupil.submit(attemptId),
    ]);
    expect(double.status).toBe(303);
    const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
    const q1 = module.assessment.items[0];
    const earned = max - q1.points;
    const html = decodeHtml(result.text);
    expect(html).toContain(`Em được ${earned}/${max} điểm`);
    expect(html).toContain('Em đã đạt bài này');
    // Per-answer feedback, with the misconception the wrong answer reveals.
    const wrong =
      q1.type === 'single' ? q1.options.find((o) => !o.correct && o.misconception)! : null;
    expect(html).toContain(wrong!.feedback.vi);
    expect(html).toContain(wrong!.misconception!.vi);
    expect(html).toContain('Chưa đúng');
    expect(html).toMatch(/Đã vững|Đang tiến bộ/);

    const ctx = await contextId(pupil);
    const grades = tool.get<GradePassbackService>(GradePassbackService);
    const { userId } = await tool.get<LaunchService>(LaunchService).resolve(pupil.lt);
    const delivered = await eventually(async () => {
      const rows = (await grades.listForContext(ctx)).filter((d) => d.userId === userId);
      return rows.length === 1 && rows[0].status === 'delivered' ? rows[0] : null;
    }, 20_000);
    expect(delivered.scoreGiven).toBe(earned);
    expect(delivered.scoreMaximum).toBe(max);
    const link = (await sandbox.links(cls.classId)).find((l) => l.id === linkId)!;
    const scores = await sandbox.scores(link.lineItemId!);
    expect(
      scores
        .filter((s) => s.userId === cls.students[3].id)
        .map((s) => [s.scoreGiven, s.activityProgress]),
    ).toEqual([[earned, 'Completed']]);
    const deliveries = await tool.dataSource
      .getRepository(DeliveryEntity)
      .find({ where: { schoolId: tenant.school.id, moduleId: MODULE } });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].band).toBe('upper-primary');
  });

  it('keeps the best score by default, and refuses a fourth attempt', async () => {
    const student = cls.students[4];
    const pupil = await launch(student.id);
    await pupil.post(`/play/check/upper-primary/pre/skip`);
    const percents: number[] = [];
    for (const mode of ['correct', 'wrong', 'wrong'] as const) {
      const { attemptId } = await pupil.start(MODULE);
      await pupil.answerAll(attemptId, module.assessment.items, module.pages.length, mode);
      const result = await pupil.submit(attemptId);
      percents.push(Number(/\((\d+(?:\.\d+)?)%\)/.exec(result.text)?.[1]));
      if (mode === 'wrong') {
        expect(result.text).toContain('Sổ điểm của lớp ghi: 100%.');
      }
    }
    expect(percents[0]).toBe(100);
    expect(percents[1]).toBeLessThan(50);
    const entry = await pupil.get(`/play/${MODULE}`);
    expect(entry.text).toContain('Em đã dùng hết số lượt làm bài');
    const refused = await pupil.post(`/play/${MODULE}/start`);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Em đã dùng hết số lượt làm bài thầy cô cho phép');
    const ctx = await contextId(pupil);
    const userId = (await tool.get<LaunchService>(LaunchService).resolve(pupil.lt)).userId;
    const sent = await eventually(async () => {
      const rows = (
        await tool.get<GradePassbackService>(GradePassbackService).listForContext(ctx)
      ).filter((d) => d.userId === userId);
      return rows.length === 3 && rows.every((r) => r.status === 'delivered') ? rows : null;
    }, 20_000);
    const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
    // Each graded attempt sends the link's kept (best) score.
    expect(sent.map((d) => d.scoreGiven)).toEqual([max, max, max]);
    const completions = await tool.get<AttemptsService>(AttemptsService).completionsSince({
      studentIds: [userId],
      since: new Date(Date.now() - 3600_000),
    });
    expect(completions.map((c) => [c.moduleId, c.scorePercent === 100, c.passed])).toEqual([
      [MODULE, true, true],
      [MODULE, false, false],
      [MODULE, false, false],
    ]);
  });

  it('speaks English when the LMS says so, switches language keeping the launch, and keeps pupils to their own module and attempts', async () => {
    const pupil = await launch(cls.students[0].id, 'en');
    const entry = await pupil.get(`/play/${MODULE}`);
    expect(entry.text).toContain('<html lang="en">');
    expect(entry.text).toContain(module.title.en);
    expect(entry.text).toContain('I need help');
    const switchTo = /href="([^"]+)" lang="vi" hreflang="vi"/.exec(entry.text)?.[1];
    expect(decodeHtml(switchTo!)).toBe(`/play/${MODULE}?lt=${pupil.lt}&lang=vi`);
    const vi = await tool.http.get(decodeHtml(switchTo!)).set('Accept', 'text/html');
    expect(vi.text).toContain('<html lang="vi">');

    const other = await pupil.get('/play/ep-kind-online');
    expect(other.status).toBe(403);
    expect(other.text).toContain('This link opens a different lesson');
    const someone = await launch(cls.students[2].id);
    const theirs = await someone.start(MODULE);
    const stolen = await pupil.get(`/play/attempt/${theirs.attemptId}/1`);
    expect(stolen.status).toBe(404);
    const noToken = await tool.http.get(`/play/${MODULE}`).set('Accept', 'text/html');
    expect(noToken.status).toBe(401);
  });

  it('links every page to "I need help" with the launch, where 111 and 113 are one tap away', async () => {
    const pupil = await launch(cls.students[0].id);
    const entry = await pupil.get(`/play/${MODULE}`);
    const href = decodeHtml(/class="need-help" href="([^"]+)"/.exec(entry.text)?.[1] ?? '');
    expect(href).toBe(`/help?lt=${pupil.lt}&lang=vi`);
    const help = await tool.http.get(href).set('Accept', 'text/html');
    expect(help.status).toBe(200);
    expect(help.text).toContain('href="tel:111"');
    expect(help.text).toContain('href="tel:113"');
  });
});

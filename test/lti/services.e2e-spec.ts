import { GradePassbackService, LaunchService, RosterService } from '@lib/lti';
import { INestApplicationContext } from '@nestjs/common';
import { createTenant, Tenant } from '../support/fixtures';
import {
  autoForm,
  bindSandbox,
  decodeHtml,
  launch,
  ltOf,
  sandboxClass,
  startLtiTool,
  TestBrowser,
} from '../support/lti-fixtures';
import { eventually, startWorker, usesRedis } from '../support/test-app';

type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;

describe(`LTI services: deep linking, grades, rosters (${usesRedis() ? 'Bull + worker' : 'inline queue'})`, () => {
  let tool: LtiTool;
  let tenant: Tenant;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    tool = await startLtiTool();
    tenant = await createTenant(tool);
    await bindSandbox(tool, tenant.province.code);
    if (usesRedis()) {
      worker = await startWorker();
    }
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
  });

  /** A class whose teacher added one lesson by deep linking; returns the created link. */
  async function classWithDeepLinkedLesson() {
    const c = await sandboxClass(tool, tenant.school.code);
    const browser = new TestBrowser(tool.url);
    const dl = await launch(browser, {
      classId: c.cls.id,
      userId: c.teacher.id,
      deepLinking: true,
      locale: 'en',
    });
    expect(dl.status).toBe(303);
    expect(dl.location).toMatch(/^\/lti\/deeplink\?lt=/);
    const picker = await browser.get(dl.location!);
    expect(picker.status).toBe(200);
    expect(picker.text).toContain('Choose SafeNest lessons');
    const moduleIds = [...picker.text.matchAll(/name='module' value='([^']+)'/g)].map((m) => m[1]);
    expect(moduleIds.length).toBeGreaterThan(1);
    expect(picker.text).toContain("type='checkbox'"); // the platform accepts several
    const chosen = moduleIds.slice(0, 2);
    const returned = await browser.post('/lti/deeplink', {
      lt: decodeHtml(ltOf(dl.location)),
      module: chosen,
    });
    expect(returned.status).toBe(200);
    const form = autoForm(returned.text)!;
    expect(form.action).toContain('/sandbox/deeplink/return');
    const back = await browser.post(form.action, form.fields);
    expect(back.status).toBe(303);
    const links = await tool.sandbox.links(c.cls.id);
    expect(links.map((l) => l.custom.module_id).sort()).toEqual([...chosen].sort());
    const link = links.find((l) => l.custom.module_id === chosen[0])!;
    return { ...c, link, moduleId: chosen[0] };
  }

  it('deep linking: the picker filters and returns signed ltiResourceLinks with module id and line item', async () => {
    const { cls, link, moduleId } = await classWithDeepLinkedLesson();
    const items = await tool.sandbox.lineItems(cls.id, link.id);
    expect(items[0]).toMatchObject({
      resourceId: moduleId,
      tag: 'safenest',
      resourceLinkId: link.id,
    });
    expect(items[0].scoreMaximum).toBeGreaterThan(0);
    // Filters narrow the list (no JavaScript needed: a GET form).
    const c2 = await sandboxClass(tool, tenant.school.code);
    const browser = new TestBrowser(tool.url);
    const dl = await launch(browser, {
      classId: c2.cls.id,
      userId: c2.teacher.id,
      deepLinking: true,
      locale: 'en',
    });
    const all = await browser.get(dl.location!);
    const filtered = await browser.get(`${dl.location!}&q=zzzz-no-such-lesson`);
    expect(filtered.text).toContain('No lesson matches the filter.');
    expect(all.text).not.toContain('No lesson matches the filter.');
  });

  it('grades: a learner score reaches the gradebook exactly once, also after two 503s', async () => {
    const { cls, link, moduleId, students } = await classWithDeepLinkedLesson();
    const res = await launch(new TestBrowser(tool.url), {
      classId: cls.id,
      userId: students[0].id,
      linkId: link.id,
    });
    expect(res.location).toMatch(new RegExp(`^/play/${moduleId}\\?lt=`));
    const ctx = await tool.get<LaunchService>(LaunchService).resolve(ltOf(res.location));
    await tool.http.post('/sandbox/faults').send({ status: 503, times: 2 }).expect(200);
    const grades = tool.get<GradePassbackService>(GradePassbackService);
    const attemptId = `attempt-${Date.now()}`;
    const record = () =>
      tool.queue.transaction((manager) =>
        grades.recordScore(manager, {
          launchId: ctx.launchId,
          attemptId,
          scoreGiven: 7,
          scoreMaximum: 10,
          activityProgress: 'Completed',
          gradingProgress: 'FullyGraded',
        }),
      );
    const first = await record();
    const again = await record(); // idempotent per attempt
    expect(again.deliveryId).toBe(first.deliveryId);
    const items = await tool.sandbox.lineItems(cls.id, link.id);
    const delivered = await eventually(async () => {
      const d = await grades.get(first.deliveryId);
      return d?.status === 'delivered' ? d : undefined;
    }, 30_000);
    expect(delivered.attempts).toBe(3);
    const scores = await tool.sandbox.scores(items[0].id);
    expect(scores.filter((s) => s.userId === students[0].id)).toHaveLength(1);
    expect(scores[0]).toMatchObject({
      scoreGiven: 7,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    const page = await tool.http.get(`/sandbox/gradebook/${cls.id}?lang=en`).expect(200);
    expect(page.text).toContain('7 / 10');
    const list = await grades.listForContext(ctx.contextId!);
    expect(list.find((d) => d.id === first.deliveryId)).toMatchObject({
      status: 'delivered',
      displayName: students[0].name,
    });
  });

  it('grades: honours Retry-After on 429, and a failed delivery can be retried by the teacher', async () => {
    const { cls, link, students } = await classWithDeepLinkedLesson();
    const res = await launch(new TestBrowser(tool.url), {
      classId: cls.id,
      userId: students[1].id,
      linkId: link.id,
    });
    const ctx = await tool.get<LaunchService>(LaunchService).resolve(ltOf(res.location));
    const grades = tool.get<GradePassbackService>(GradePassbackService);
    await tool.http
      .post('/sandbox/faults')
      .send({ status: 429, times: 1, retryAfter: 1 })
      .expect(200);
    const started = Date.now();
    const a = await tool.queue.transaction((m) =>
      grades.recordScore(m, {
        launchId: ctx.launchId,
        attemptId: `a-${started}`,
        scoreGiven: 3,
        scoreMaximum: 10,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      }),
    );
    await eventually(async () => (await grades.get(a.deliveryId))?.status === 'delivered', 30_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // A permanent refusal (400) fails at once and stays visible; retry delivers it.
    await tool.http.post('/sandbox/faults').send({ status: 400, times: 1 }).expect(200);
    const b = await tool.queue.transaction((m) =>
      grades.recordScore(m, {
        launchId: ctx.launchId,
        attemptId: `b-${started}`,
        scoreGiven: 9,
        scoreMaximum: 10,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      }),
    );
    const failed = await eventually(async () => {
      const d = await grades.get(b.deliveryId);
      return d?.status === 'failed' ? d : undefined;
    }, 30_000);
    expect(failed.lastError).toContain('400');
    expect(await grades.retry(b.deliveryId)).toBe(true);
    await eventually(async () => (await grades.get(b.deliveryId))?.status === 'delivered', 30_000);
  });

  (usesRedis() ? it : it.skip)(
    'grades: delivered exactly once when the worker is restarted in between',
    async () => {
      const { cls, link, students } = await classWithDeepLinkedLesson();
      const res = await launch(new TestBrowser(tool.url), {
        classId: cls.id,
        userId: students[2].id,
        linkId: link.id,
      });
      const ctx = await tool.get<LaunchService>(LaunchService).resolve(ltOf(res.location));
      const grades = tool.get<GradePassbackService>(GradePassbackService);
      // 503 twice, each with Retry-After 2 s: the restart happens while the retry waits.
      await tool.http
        .post('/sandbox/faults')
        .send({ status: 503, times: 2, retryAfter: 2 })
        .expect(200);
      const d = await tool.queue.transaction((m) =>
        grades.recordScore(m, {
          launchId: ctx.launchId,
          attemptId: `w-${Date.now()}`,
          scoreGiven: 5,
          scoreMaximum: 10,
          activityProgress: 'Completed',
          gradingProgress: 'FullyGraded',
        }),
      );
      await eventually(
        async () => (await grades.get(d.deliveryId))?.lastError?.includes('503'),
        20_000,
      );
      await worker!.close();
      worker = await startWorker();
      try {
        await eventually(
          async () => (await grades.get(d.deliveryId))?.status === 'delivered',
          40_000,
        );
      } catch (err) {
        const job = await tool.queue.get(d.jobId!);
        throw new Error(
          `${String(err)}; delivery ${JSON.stringify(await grades.get(d.deliveryId))}; job ${JSON.stringify(job)}`,
        );
      }
      const items = await tool.sandbox.lineItems(cls.id, link.id);
      const scores = await tool.sandbox.scores(items[0].id);
      expect(scores.filter((s) => s.userId === students[2].id)).toHaveLength(1);
    },
  );

  it('rosters: a teacher launch syncs the NRPS roster (paged), who has not started shows', async () => {
    const { cls, teacher, students, admin } = await sandboxClass(tool, tenant.school.code, 6);
    const link = await tool.sandbox.addLink(cls.id, 'L', 'up-online-friends', 10);
    await launch(new TestBrowser(tool.url), {
      classId: cls.id,
      userId: students[0].id,
      linkId: link.id,
    });
    const res = await launch(new TestBrowser(tool.url), {
      classId: cls.id,
      userId: teacher.id,
      linkId: link.id,
    });
    const ctx = await tool.get<LaunchService>(LaunchService).resolve(ltOf(res.location));
    const roster = tool.get<RosterService>(RosterService);
    const members = await eventually(async () => {
      const m = await roster.members(ctx.contextId!);
      return m.length === 8 ? m : undefined; // teacher + admin + 6 students, over two pages
    }, 30_000);
    const byName = new Map(members.map((m) => [m.displayName, m]));
    expect(byName.get(students[0].name)?.lastLaunchAt).toBeTruthy();
    expect(byName.get(students[5].name)).toMatchObject({
      learner: true,
      lastLaunchAt: null,
      status: 'Active',
    });
    expect(byName.get(teacher.name)).toMatchObject({ instructor: true });
    expect(byName.get(admin.name)?.roles).toEqual(['Administrator']);
    expect(await roster.learnerCount(ctx.contextId!)).toBe(6);
  });
});

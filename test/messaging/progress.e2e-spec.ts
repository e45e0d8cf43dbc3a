import { CatalogService, CurriculumModule } from '@lib/curricula';
import { LaunchContext, LaunchService, SandboxService } from '@lib/lti';
import { MessageEntity, ProgressService } from '@lib/messaging';
import { INestApplicationContext } from '@nestjs/common';
import { createTenant, Tenant } from '../support/fixtures';
import { makeParent, smtpSink, SmtpSink, uniqueEmail } from '../support/messaging-fixtures';
import {
  bindSandbox,
  createPlayerClass,
  launchFromSandbox,
  PlayerClass,
  PlayerClient,
} from '../support/player-fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

const MODULE = 'up-strong-passwords';

/**
 * What learning sends home, from real lessons: pupils of a sandbox LMS class finish a module
 * in the player; when enough of the class has (FAMILY_NOTE_CLASS_SHARE), the module's family
 * note goes to the class's parents, once; the weekly digest goes per child to the parents who
 * agreed to progress digests, and to nobody else.
 */
describe(`Family notes and weekly progress digests (${usesRedis() ? 'Bull + worker' : 'inline queue'})`, () => {
  let sink: SmtpSink;
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let tenant: Tenant;
  let sandbox: SandboxService;
  let cls: PlayerClass;
  let linkId: string;
  let module: CurriculumModule;

  beforeAll(async () => {
    sink = await smtpSink();
    const env = { SMTP_URL: sink.url, MAIL_FROM: 'Trường học <no-reply@school.test>' };
    tool = await startTool({ env });
    if (usesRedis()) {
      worker = await startWorker({ env });
    }
    tenant = await createTenant(tool);
    sandbox = await bindSandbox(tool, tenant);
    cls = await createPlayerClass(sandbox, tenant, 2);
    module = tool.get<CatalogService>(CatalogService).get(MODULE);
    const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
    linkId = (await sandbox.addLink(cls.classId, module.title.vi, MODULE, max)).id;
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
    await sink.close();
  });

  /** A pupil's launch: their pseudonymous id and class as SafeNest knows them. */
  const launch = async (i: number): Promise<{ client: PlayerClient; ctx: LaunchContext }> => {
    const { lt } = await launchFromSandbox(tool, {
      classId: cls.classId,
      userId: cls.students[i].id,
      linkId,
    });
    return {
      client: new PlayerClient(tool, lt, 'vi'),
      ctx: await tool.get<LaunchService>(LaunchService).resolve(lt),
    };
  };
  const finish = async (client: PlayerClient): Promise<void> => {
    await client.post('/play/check/upper-primary/pre/skip');
    const attempt = await client.start(MODULE);
    await client.answerAll(
      attempt.attemptId,
      module.assessment.items,
      module.pages.length,
      'correct',
    );
    await client.submit(attempt.attemptId);
  };

  it('sends the family note when the class has finished the module, and each child’s weekly digest to the parents who agreed', async () => {
    const a = await launch(0);
    const b = await launch(1);
    const classId = a.ctx.contextId!;
    expect(b.ctx.contextId).toBe(classId);
    expect(a.ctx.schoolOrgNodeId).toBe(tenant.school.id);
    const both = uniqueEmail('both'); // messages and progress digests for pupil 0
    const messagesOnly = uniqueEmail('messages'); // messages only, for pupil 1
    await makeParent(tool, {
      schoolId: tenant.school.id,
      classId,
      studentId: a.ctx.userId,
      email: both,
      consent: ['messages', 'progress'],
    });
    await makeParent(tool, {
      schoolId: tenant.school.id,
      classId,
      studentId: b.ctx.userId,
      email: messagesOnly,
      consent: ['messages'],
    });
    const progress = tool.get<ProgressService>(ProgressService);
    const notes = tool.dataSource.getRepository(MessageEntity);
    const key = `msg-family-note:${classId}:${MODULE}`;

    // One pupil of two has finished: not yet the class.
    await finish(a.client);
    await progress.familyNotesDue();
    expect(await notes.count({ where: { dedupeKey: key } })).toBe(0);

    // Both have: the note goes to every parent of the class, once.
    await finish(b.client);
    await progress.familyNotesDue();
    await progress.familyNotesDue();
    expect(await notes.count({ where: { dedupeKey: key } })).toBe(1);
    for (const address of [both, messagesOnly]) {
      const [note] = await eventually(async () => {
        const got = sink.to(address);
        return got.length ? got : null;
      });
      expect(note.subject).toBe(`Thư gửi gia đình: ${module.title.vi}`);
      const firstParagraph = module.familyNote.vi
        .split('\n')
        .find((line) => line.trim() && !line.startsWith('#'))!;
      expect(note.text).toContain(firstParagraph.trim());
    }

    // The weekly digest: pupil 0's parent only (pupil 1's parent did not agree to digests).
    await progress.weeklyDue(new Date(), true);
    await progress.weeklyDue(new Date(), true); // once a week per child
    const digest = await eventually(async () => sink.to(both)[1]);
    expect(digest.subject).toBe('Tuần này con đã học gì về an toàn trên mạng');
    expect(digest.text).toContain(module.title.vi);
    expect(digest.text).toContain(module.essentialQuestion.vi);
    expect(digest.text).toContain('100');
    await new Promise((r) => setTimeout(r, 1000));
    expect(sink.to(both)).toHaveLength(2);
    expect(sink.to(messagesOnly)).toHaveLength(1);
  });
});

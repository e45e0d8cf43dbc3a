import { AppConfig, I18n, InjectConfig, Lang } from '@lib/core';
import { CurrentLaunch, LaunchContext, LaunchGuard } from '@lib/lti';
import {
  ClassesService,
  ComposeService,
  InvitesService,
  LmsAdapter,
  MessageRendererService,
  MessagingErrorCode,
  MessagingException,
  ProgressService,
  SchoolAdminService,
  TeacherRef,
  ThreadsService,
} from '@lib/messaging';
import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { buildAnnouncement, previewOf } from './compose.helper';
import { formatDateTime, messagingViews as views, meta, str } from './messaging-web.util';

type Form = Record<string, string | undefined>;

/**
 * A teacher's page for the parents of one class, opened from the LMS (`/messaging/class?lt=`):
 * invite codes to print or download, class announcements with a preview, threads with a
 * child's parents, and the module family note. Forms carry the launch token `lt`, which also
 * serves as the anti-forgery token (no cookies inside LMS iframes).
 */
@Controller('messaging/class')
@UseGuards(LaunchGuard)
export class TeacherController {
  constructor(
    private readonly classes: ClassesService,
    private readonly invites: InvitesService,
    private readonly lms: LmsAdapter,
    private readonly compose: ComposeService,
    private readonly renderer: MessageRendererService,
    private readonly threads: ThreadsService,
    private readonly progress: ProgressService,
    private readonly admin: SchoolAdminService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private teacher(launch: LaunchContext): TeacherRef {
    if (!launch.roles.instructor && !launch.roles.admin) {
      throw new MessagingException(MessagingErrorCode.NOT_TEACHER, 'Instructors only.');
    }
    if (!launch.contextId || !launch.schoolOrgNodeId) {
      throw new MessagingException(MessagingErrorCode.CLASS_UNKNOWN, 'No class or school.');
    }
    return {
      userId: launch.userId,
      name: launch.displayName,
      classId: launch.contextId,
      schoolOrgNodeId: launch.schoolOrgNodeId,
    };
  }

  private lang(req: Request, launch: LaunchContext): Lang {
    return req.query.lang === 'en' || req.query.lang === 'vi' ? req.query.lang : launch.locale;
  }

  private lt(req: Request): string {
    const q = req.query.lt;
    const b = (req.body as Form | undefined)?.lt;
    return typeof q === 'string' ? q : str(b);
  }

  private back(req: Request, path = '/messaging/class', extra = ''): string {
    return `${path}?lt=${encodeURIComponent(this.lt(req))}${extra}`;
  }

  @Get()
  async page(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
  ): Promise<void> {
    const t = this.teacher(launch);
    const lang = this.lang(req, launch);
    const klass = await this.classes.touch({
      classId: t.classId,
      schoolOrgNodeId: t.schoolOrgNodeId,
      title: launch.contextTitle,
    });
    const learners = await this.lms.learners(t.classId);
    const slips = await this.invites.slips(klass, learners, t.userId);
    const threads = await this.threads.forClass(t.classId);
    const sent = await this.admin.classMessages(t.classId);
    const stats = await this.admin.stats(sent.map((m) => m.id));
    const names = new Map(learners.map((l) => [l.studentId, l.displayName]));
    res.type('html').send(
      views.page(
        'teacher-class',
        meta(req, lang, I18n.t(lang, 'msgweb.teacher.title'), { embedded: true }),
        {
          lt: this.lt(req),
          klass,
          grades: Array.from({ length: 12 }, (_, i) => ({
            g: i + 1,
            selected: klass.grade === i + 1,
          })),
          slips,
          linkedCount: slips.filter((s) => s.linkedParents > 0).length,
          threads: threads.map((th) => ({
            ...th,
            student: names.get(th.studentId) ?? '',
            unanswered: Boolean(
              th.lastParentPostAt && (!th.teacherReadAt || th.teacherReadAt < th.lastParentPostAt),
            ),
            when: formatDateTime(th.lastPostAt, lang),
          })),
          modules: (this.lms.catalog?.list({ language: lang }) ?? []).map((m) => ({
            id: m.id,
            title: m.title[lang],
          })),
          sent: sent.map((m) => ({
            title: this.renderer.titleAndText(m, lang).title,
            when: formatDateTime(m.createdAt, lang),
            status: m.status,
            stats: stats.get(m.id),
          })),
          flash:
            typeof req.query.done === 'string'
              ? I18n.t(lang, `msgweb.teacher.done.${req.query.done}`)
              : undefined,
        },
      ),
    );
  }

  @Post('grade')
  async setGrade(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
    @Body() body: Form,
  ): Promise<void> {
    const t = this.teacher(launch);
    await this.classes.setGrade(t.classId, body.grade ? Number(body.grade) : null);
    res.redirect(303, this.back(req, '/messaging/class', '&done=grade'));
  }

  @Get('print')
  async print(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
  ): Promise<void> {
    const t = this.teacher(launch);
    const lang = this.lang(req, launch);
    const klass = await this.classes.touch({
      classId: t.classId,
      schoolOrgNodeId: t.schoolOrgNodeId,
      title: launch.contextTitle,
    });
    const slips = await this.invites.slips(klass, await this.lms.learners(t.classId), t.userId);
    res.type('html').send(
      views.page(
        'teacher-print',
        meta(req, lang, I18n.t(lang, 'msgweb.print.title'), {
          embedded: true,
          bodyClass: 'print-slips',
        }),
        {
          lt: this.lt(req),
          klass,
          joinUrl: `${this.config.publicUrl}/parents/join`,
          slips: slips.map((s) => ({
            ...s,
            expires: formatDateTime(s.expiresAt, 'vi').split(',')[0],
            link: `${this.config.publicUrl}/parents/join?code=${s.code}`,
          })),
        },
      ),
    );
  }

  /** The class roster with codes, as the school's parents import file to fill in. */
  @Get('roster.csv')
  async rosterCsv(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
  ): Promise<void> {
    const t = this.teacher(launch);
    const klass = await this.classes.touch({
      classId: t.classId,
      schoolOrgNodeId: t.schoolOrgNodeId,
      title: launch.contextTitle,
    });
    const slips = await this.invites.slips(klass, await this.lms.learners(t.classId), t.userId);
    const rows = [
      [
        'student',
        'display_name',
        'parent_name',
        'email',
        'phone',
        'zalo',
        'relation',
        'language',
        'channel',
        'consent_messages',
        'consent_progress',
        'consent_date',
      ],
      ...slips.map((s) => [
        s.studentId,
        s.displayName,
        '',
        '',
        '',
        '',
        '',
        'vi',
        '',
        'no',
        'no',
        '',
      ]),
    ];
    res
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', 'attachment; filename="parents-import.csv"')
      .send(`\uFEFF${stringify(rows)}`);
  }

  @Post('codes/:studentId')
  async regenerate(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
    @Param('studentId', ParseUUIDPipe) studentId: string,
  ): Promise<void> {
    const t = this.teacher(launch);
    const learners = await this.lms.learners(t.classId);
    if (!learners.some((l) => l.studentId === studentId)) {
      throw new MessagingException(MessagingErrorCode.STUDENT_NOT_IN_CLASS, 'Not in class.');
    }
    await this.invites.regenerate(
      { classId: t.classId, schoolOrgNodeId: t.schoolOrgNodeId },
      studentId,
      t.userId,
    );
    res.redirect(303, this.back(req, '/messaging/class', '&done=code#codes'));
  }

  @Post('announce')
  async announce(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
    @Body() body: Form,
  ): Promise<void> {
    const t = this.teacher(launch);
    const lang = this.lang(req, launch);
    const input = this.compose.validateAnnouncement(
      buildAnnouncement(body, {
        schoolOrgNodeId: t.schoolOrgNodeId,
        audience: { type: 'class', classId: t.classId },
        author: { type: 'teacher', id: t.userId, name: t.name },
      }),
    );
    if (body.action !== 'send') {
      const preview = await previewOf(input, this.compose, this.renderer);
      res
        .status(200)
        .type('html')
        .send(
          views.page(
            'compose-preview',
            meta(req, lang, I18n.t(lang, 'msgweb.preview.title'), { embedded: true }),
            {
              ...preview,
              action: '/messaging/class/announce',
              hidden: { ...body, lt: this.lt(req), action: 'send' },
              back: this.back(req),
            },
          ),
        );
      return;
    }
    await this.compose.compose(input);
    res.redirect(303, this.back(req, '/messaging/class', '&done=sent'));
  }

  @Post('family-note')
  async familyNote(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
    @Body() body: Form,
  ): Promise<void> {
    const t = this.teacher(launch);
    await this.progress.sendFamilyNote(
      { classId: t.classId, schoolOrgNodeId: t.schoolOrgNodeId },
      str(body.module),
      {
        type: 'teacher',
        id: t.userId,
        name: t.name,
      },
    );
    res.redirect(303, this.back(req, '/messaging/class', '&done=note'));
  }

  @Post('threads')
  async openThread(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
    @Body() body: Form,
  ): Promise<void> {
    const t = this.teacher(launch);
    const learners = await this.lms.learners(t.classId);
    if (!learners.some((l) => l.studentId === body.student)) {
      throw new MessagingException(MessagingErrorCode.STUDENT_NOT_IN_CLASS, 'Not in class.');
    }
    const thread = await this.threads.open(t, str(body.student), str(body.subject), str(body.body));
    res.redirect(303, this.back(req, `/messaging/class/threads/${thread.id}`));
  }

  @Get('threads/:id')
  async thread(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const t = this.teacher(launch);
    const lang = this.lang(req, launch);
    const thread = await this.threads.forTeacher(id, t.classId);
    const posts = await this.threads.posts(id);
    await this.threads.markReadByTeacher(id);
    const student = (await this.lms.learners(t.classId)).find(
      (l) => l.studentId === thread.studentId,
    );
    res.type('html').send(
      views.page('teacher-thread', meta(req, lang, thread.subject, { embedded: true }), {
        lt: this.lt(req),
        thread,
        student: student?.displayName ?? '',
        posts: posts.map((p) => ({
          ...p,
          teacher: p.authorType === 'teacher',
          when: formatDateTime(p.createdAt, lang),
        })),
        back: this.back(req),
      }),
    );
  }

  @Post('threads/:id/reply')
  async reply(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentLaunch() launch: LaunchContext,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Form,
  ): Promise<void> {
    const t = this.teacher(launch);
    const thread = await this.threads.forTeacher(id, t.classId);
    await this.threads.postAsTeacher(thread, t, str(body.body));
    res.redirect(303, this.back(req, `/messaging/class/threads/${id}`, '#latest'));
  }
}

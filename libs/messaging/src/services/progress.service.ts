import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MessageEntity } from '../entities/message.entities';
import { ConsentEntity, StudentLinkEntity } from '../entities/parent.entities';
import { FAMILY_NOTE_CLASS_SHARE, PARENT_TIMEZONE } from '../messaging.constants';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { LmsAdapter } from '../ports/lms.adapter';
import { Completion } from '../ports/progress-source';
import { chunks } from '../util/sql.util';
import { localTime, weekStart } from '../util/time.util';
import { ComposeService } from './compose.service';
import { ProgressItem } from './message-renderer.service';

/**
 * What learning progress sends to families: the module's family note when a class has
 * completed it (FAMILY_NOTE_CLASS_SHARE of its learners), and a weekly digest per child
 * (Sunday evening, Vietnam time) for parents who consented to it.
 */
@Injectable()
export class ProgressService {
  private readonly logger = new Logger(ProgressService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly compose: ComposeService,
    private readonly lms: LmsAdapter,
  ) {}

  /** Composes the family note of `moduleId` to the class's parents (once per class and module). */
  async sendFamilyNote(
    klass: { classId: string; schoolOrgNodeId: string },
    moduleId: string,
    author: { type: 'teacher' | 'system'; id: string | null; name: string },
  ): Promise<MessageEntity> {
    if (!this.lms.catalog) {
      throw new MessagingException(MessagingErrorCode.CURRICULUM_UNAVAILABLE, 'No catalog.');
    }
    if (!this.lms.module(moduleId)) {
      throw new MessagingException(MessagingErrorCode.MESSAGE_NOT_FOUND, 'Unknown module.', {
        moduleId,
      });
    }
    return this.compose.compose({
      schoolOrgNodeId: klass.schoolOrgNodeId,
      kind: 'family_note',
      audience: { type: 'class', classId: klass.classId },
      data: { moduleId },
      author: { type: author.type, id: author.id, name: author.name },
      dedupeKey: `msg-family-note:${klass.classId}:${moduleId}`,
    });
  }

  /** Family notes of modules that classes have now completed. */
  async familyNotesDue(now = new Date()): Promise<number> {
    const classes = await this.dataSource
      .getRepository(StudentLinkEntity)
      .createQueryBuilder('l')
      .select('l.classId', 'class_id')
      .addSelect('l.schoolOrgNodeId', 'school')
      .where('l.classId IS NOT NULL')
      .groupBy('l.classId')
      .addGroupBy('l.schoolOrgNodeId')
      .getRawMany<{ class_id: string; school: string }>();
    const since = new Date(now.getTime() - 180 * 86_400_000);
    let made = 0;
    for (const c of classes) {
      let learners: string[];
      if (this.lms.hasRoster) {
        learners = (await this.lms.learners(c.class_id)).map((l) => l.studentId);
      } else {
        learners = (
          await this.dataSource
            .getRepository(StudentLinkEntity)
            .createQueryBuilder('l')
            .select('DISTINCT l.student_id', 'student_id')
            .where('l.class_id = :c', { c: c.class_id })
            .getRawMany<{ student_id: string }>()
        ).map((r) => r.student_id);
      }
      if (learners.length === 0) {
        continue;
      }
      const done = new Map<string, Set<string>>();
      for (const part of chunks(learners, 1000)) {
        for (const x of await this.lms.completionsSince(part, since)) {
          done.set(x.moduleId, (done.get(x.moduleId) ?? new Set()).add(x.studentId));
        }
      }
      const needed = Math.ceil(FAMILY_NOTE_CLASS_SHARE * learners.length);
      for (const [moduleId, students] of done) {
        if (students.size < needed || !this.lms.module(moduleId)) {
          continue;
        }
        const key = `msg-family-note:${c.class_id}:${moduleId}`;
        if (
          await this.dataSource.getRepository(MessageEntity).findOne({ where: { dedupeKey: key } })
        ) {
          continue;
        }
        await this.sendFamilyNote({ classId: c.class_id, schoolOrgNodeId: c.school }, moduleId, {
          type: 'system',
          id: null,
          name: 'SafeNest',
        });
        made++;
      }
    }
    if (made) {
      this.logger.log({ msg: 'family notes composed', count: made });
    }
    return made;
  }

  /**
   * Weekly digests: from Sunday 18:00 (Vietnam) on, one per child with completions that week,
   * to the parents who consented to progress digests. `force` skips the day check (tests, CLI).
   */
  async weeklyDue(now = new Date(), force = false): Promise<number> {
    const local = localTime(now, PARENT_TIMEZONE);
    const sunday = new Date(`${local.day}T00:00:00Z`).getUTCDay() === 0;
    if (!force && !(sunday && local.hour >= 18)) {
      return 0;
    }
    const week = weekStart(now, PARENT_TIMEZONE);
    const since = new Date(`${week}T00:00:00+07:00`);
    const students = await this.dataSource
      .getRepository(ConsentEntity)
      .createQueryBuilder('c')
      .innerJoin(StudentLinkEntity, 'l', 'l.parentId = c.parentId AND l.studentId = c.studentId')
      .select('c.studentId', 'student_id')
      .addSelect('l.schoolOrgNodeId', 'school')
      .where('c.purpose = :p AND c.withdrawnAt IS NULL', { p: 'progress' })
      .groupBy('c.studentId')
      .addGroupBy('l.schoolOrgNodeId')
      .getRawMany<{ student_id: string; school: string }>();
    const school = new Map(students.map((s) => [s.student_id, s.school]));
    const byStudent = new Map<string, Completion[]>();
    for (const part of chunks([...school.keys()], 1000)) {
      for (const x of await this.lms.completionsSince(part, since)) {
        byStudent.set(x.studentId, [...(byStudent.get(x.studentId) ?? []), x]);
      }
    }
    let made = 0;
    for (const [studentId, list] of byStudent) {
      const best = new Map<string, Completion>();
      for (const x of list) {
        const prev = best.get(x.moduleId);
        if (!prev || x.scorePercent > prev.scorePercent) {
          best.set(x.moduleId, x);
        }
      }
      const items: ProgressItem[] = [...best.values()].map((x) => ({
        moduleId: x.moduleId,
        scorePercent: x.scorePercent,
        passed: x.passed,
      }));
      const key = `msg-progress:${studentId}:${week}`;
      if (
        await this.dataSource.getRepository(MessageEntity).findOne({ where: { dedupeKey: key } })
      ) {
        continue;
      }
      await this.compose.compose({
        schoolOrgNodeId: school.get(studentId)!,
        kind: 'progress_digest',
        audience: { type: 'student', studentId },
        data: { week, items },
        author: { type: 'system', id: null, name: 'SafeNest' },
        dedupeKey: key,
      });
      made++;
    }
    if (made) {
      this.logger.log({ msg: 'weekly progress digests composed', count: made, week });
    }
    return made;
  }
}

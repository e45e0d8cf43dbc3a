import { FieldEncryptionService } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull } from 'typeorm';
import { MessageEntity, RecipientEntity } from '../entities/message.entities';
import { StudentLinkEntity } from '../entities/parent.entities';
import {
  ReportEntity,
  ThreadEntity,
  ThreadPostEntity,
  ThreadStateEntity,
} from '../entities/thread.entities';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { MessagingAuditService } from './audit.service';
import { ComposeService } from './compose.service';

export interface PostView {
  id: string;
  authorType: 'teacher' | 'parent';
  authorId: string;
  body: string;
  erased: boolean;
  createdAt: Date;
}

export interface TeacherRef {
  userId: string;
  name: string;
  classId: string;
  schoolOrgNodeId: string;
}

/**
 * Two-way threads between a class teacher and the parents of one child. A teacher's post is
 * delivered like any message (recipient rows, channels, quiet hours); a parent's post is read
 * by the teacher in the class page. Posts are encrypted and kept as the school's record.
 */
@Injectable()
export class ThreadsService {
  private readonly logger = new Logger(ThreadsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: FieldEncryptionService,
    private readonly compose: ComposeService,
    private readonly audit: MessagingAuditService,
  ) {}

  async open(
    teacher: TeacherRef,
    studentId: string,
    subject: string,
    body: string,
  ): Promise<ThreadEntity> {
    const s = subject.trim().slice(0, 200);
    if (!s || !body.trim()) {
      throw new MessagingException(MessagingErrorCode.MESSAGE_EMPTY, 'Subject and text needed.');
    }
    const id = randomUUID();
    const now = new Date();
    await this.dataSource.getRepository(ThreadEntity).insert({
      id,
      schoolOrgNodeId: teacher.schoolOrgNodeId,
      classId: teacher.classId,
      studentId,
      teacherId: teacher.userId,
      teacherName: teacher.name.slice(0, 200),
      subject: s,
      lastPostAt: now,
      lastParentPostAt: null,
      teacherReadAt: now,
    });
    const thread = await this.get(id);
    await this.postAsTeacher(thread, teacher, body);
    return thread;
  }

  async get(threadId: string): Promise<ThreadEntity> {
    const t = await this.dataSource
      .getRepository(ThreadEntity)
      .findOne({ where: { id: threadId } });
    if (!t) {
      throw new MessagingException(MessagingErrorCode.THREAD_NOT_FOUND, 'No such thread.', {
        threadId,
      });
    }
    return t;
  }

  /** The thread, if this teacher's class owns it. */
  async forTeacher(threadId: string, classId: string): Promise<ThreadEntity> {
    const t = await this.get(threadId);
    if (t.classId !== classId) {
      throw new MessagingException(MessagingErrorCode.THREAD_NOT_FOUND, 'Not in this class.', {
        threadId,
      });
    }
    return t;
  }

  /** The thread, if this parent is linked to its child. */
  async forParent(threadId: string, parentId: string): Promise<ThreadEntity> {
    const t = await this.get(threadId);
    const link = await this.dataSource
      .getRepository(StudentLinkEntity)
      .findOne({ where: { parentId, studentId: t.studentId } });
    if (!link) {
      throw new MessagingException(MessagingErrorCode.THREAD_NOT_FOUND, 'Not your thread.', {
        threadId,
      });
    }
    return t;
  }

  private async insertPost(
    thread: ThreadEntity,
    authorType: 'teacher' | 'parent',
    authorId: string,
    body: string,
  ): Promise<string> {
    const text = body.replace(/\r\n/g, '\n').trim().slice(0, 5000);
    if (!text) {
      throw new MessagingException(MessagingErrorCode.MESSAGE_EMPTY, 'Empty post.');
    }
    const id = randomUUID();
    const now = new Date();
    await this.dataSource.getRepository(ThreadPostEntity).insert({
      id,
      threadId: thread.id,
      authorType,
      authorId,
      bodyEncrypted: this.crypto.encrypt(text, id),
      erasedAt: null,
    });
    await this.dataSource
      .getRepository(ThreadEntity)
      .update(
        { id: thread.id },
        authorType === 'parent'
          ? { lastPostAt: now, lastParentPostAt: now }
          : { lastPostAt: now, teacherReadAt: now },
      );
    return id;
  }

  async postAsTeacher(thread: ThreadEntity, teacher: TeacherRef, body: string): Promise<void> {
    const postId = await this.insertPost(thread, 'teacher', teacher.userId, body);
    await this.compose.compose({
      schoolOrgNodeId: thread.schoolOrgNodeId,
      kind: 'thread_post',
      audience: { type: 'thread', threadId: thread.id, studentId: thread.studentId },
      data: { postId },
      author: { type: 'teacher', id: teacher.userId, name: teacher.name || thread.teacherName },
    });
  }

  async postAsParent(thread: ThreadEntity, parentId: string, body: string): Promise<void> {
    await this.insertPost(thread, 'parent', parentId, body);
    await this.markRead(thread.id, parentId);
    this.logger.log({ msg: 'parent replied', threadId: thread.id, parentId });
  }

  async posts(threadId: string): Promise<PostView[]> {
    const rows = await this.dataSource
      .getRepository(ThreadPostEntity)
      .find({ where: { threadId }, order: { createdAt: 'ASC' } });
    return rows.map((p) => ({
      id: p.id,
      authorType: p.authorType,
      authorId: p.authorId,
      body: p.erasedAt ? '' : this.crypto.decrypt(p.bodyEncrypted, p.id),
      erased: Boolean(p.erasedAt),
      createdAt: p.createdAt,
    }));
  }

  async forClass(classId: string): Promise<ThreadEntity[]> {
    return this.dataSource
      .getRepository(ThreadEntity)
      .find({ where: { classId }, order: { lastPostAt: 'DESC' } });
  }

  async forParentList(
    parentId: string,
  ): Promise<(ThreadEntity & { unread: boolean; muted: boolean })[]> {
    const links = await this.dataSource
      .getRepository(StudentLinkEntity)
      .find({ where: { parentId }, select: ['studentId'] });
    if (links.length === 0) {
      return [];
    }
    const threads = await this.dataSource.getRepository(ThreadEntity).find({
      where: { studentId: In(links.map((l) => l.studentId)) },
      order: { lastPostAt: 'DESC' },
    });
    if (threads.length === 0) {
      return [];
    }
    const states = new Map(
      (
        await this.dataSource
          .getRepository(ThreadStateEntity)
          .find({ where: { parentId, threadId: In(threads.map((t) => t.id)) } })
      ).map((s) => [s.threadId, s]),
    );
    return threads.map((t) => {
      const s = states.get(t.id);
      return {
        ...t,
        unread: !s?.lastReadAt || s.lastReadAt < t.lastPostAt,
        muted: Boolean(s?.mutedAt),
      };
    });
  }

  async state(threadId: string, parentId: string): Promise<ThreadStateEntity | null> {
    return this.dataSource
      .getRepository(ThreadStateEntity)
      .findOne({ where: { threadId, parentId } });
  }

  /** The parent has seen the thread: its posts' delivery rows get their read receipt too. */
  async markRead(threadId: string, parentId: string): Promise<void> {
    const now = new Date();
    await this.upsertState(threadId, parentId, { lastReadAt: now });
    const messages = await this.dataSource
      .getRepository(MessageEntity)
      .find({ where: { threadId }, select: ['id'] });
    if (messages.length) {
      await this.dataSource
        .getRepository(RecipientEntity)
        .update(
          { parentId, messageId: In(messages.map((m) => m.id)), readAt: IsNull() },
          { readAt: now },
        );
    }
  }

  async markReadByTeacher(threadId: string): Promise<void> {
    await this.dataSource
      .getRepository(ThreadEntity)
      .update({ id: threadId }, { teacherReadAt: new Date() });
  }

  async setMuted(threadId: string, parentId: string, muted: boolean): Promise<void> {
    await this.upsertState(threadId, parentId, { mutedAt: muted ? new Date() : null });
    await this.audit.record(
      { type: 'parent', id: parentId },
      muted ? 'thread.muted' : 'thread.unmuted',
      {
        parentId,
        subjectId: threadId,
      },
    );
  }

  async report(
    thread: ThreadEntity,
    parentId: string,
    reason: ReportEntity['reason'],
  ): Promise<void> {
    const ok = ['inappropriate', 'harassment', 'spam', 'other'].includes(reason) ? reason : 'other';
    await this.dataSource.getRepository(ReportEntity).insert({
      id: randomUUID(),
      schoolOrgNodeId: thread.schoolOrgNodeId,
      threadId: thread.id,
      parentId,
      reason: ok,
      resolvedAt: null,
      resolvedBy: null,
    });
    await this.setMuted(thread.id, parentId, true);
    await this.audit.record({ type: 'parent', id: parentId }, 'thread.reported', {
      parentId,
      subjectId: thread.id,
      details: { reason: ok },
    });
    this.logger.warn({ msg: 'thread reported', threadId: thread.id, reason: ok });
  }

  async openReports(schoolOrgNodeId: string): Promise<ReportEntity[]> {
    return this.dataSource.getRepository(ReportEntity).find({
      where: { schoolOrgNodeId, resolvedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
  }

  async resolveReport(reportId: string, schoolOrgNodeId: string, accountId: string): Promise<void> {
    await this.dataSource
      .getRepository(ReportEntity)
      .update({ id: reportId, schoolOrgNodeId }, { resolvedAt: new Date(), resolvedBy: accountId });
  }

  private async upsertState(
    threadId: string,
    parentId: string,
    patch: Partial<Pick<ThreadStateEntity, 'mutedAt' | 'lastReadAt'>>,
  ): Promise<void> {
    const repo = this.dataSource.getRepository(ThreadStateEntity);
    const existing = await repo.findOne({ where: { threadId, parentId } });
    if (existing) {
      await repo.update({ threadId, parentId }, patch);
    } else {
      await repo.insert({ threadId, parentId, mutedAt: null, lastReadAt: null, ...patch });
    }
  }
}

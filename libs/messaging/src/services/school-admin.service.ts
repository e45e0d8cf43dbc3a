import { FieldEncryptionService } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify/sync';
import { DataSource, In } from 'typeorm';
import { MessageEntity, RecipientEntity } from '../entities/message.entities';
import { ThreadEntity, ThreadPostEntity } from '../entities/thread.entities';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';

export interface MessageStats {
  total: number;
  byStatus: Record<string, number>;
  byChannel: Record<string, number>;
  read: number;
}

/** What a school admin sees: sent messages with delivery and read counts, and the export. */
@Injectable()
export class SchoolAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: FieldEncryptionService,
  ) {}

  async messages(schoolOrgNodeId: string, limit = 50): Promise<MessageEntity[]> {
    return this.dataSource.getRepository(MessageEntity).find({
      where: { schoolOrgNodeId, kind: In(['announcement', 'family_note', 'thread_post']) },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  /** Announcements and family notes sent to one class. */
  async classMessages(classId: string, limit = 20): Promise<MessageEntity[]> {
    return this.dataSource.getRepository(MessageEntity).find({
      where: { audienceClassId: classId, kind: In(['announcement', 'family_note']) },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  async message(schoolOrgNodeId: string, messageId: string): Promise<MessageEntity> {
    const m = await this.dataSource
      .getRepository(MessageEntity)
      .findOne({ where: { id: messageId, schoolOrgNodeId } });
    if (!m) {
      throw new MessagingException(MessagingErrorCode.MESSAGE_NOT_FOUND, 'No such message.');
    }
    return m;
  }

  async stats(messageIds: string[]): Promise<Map<string, MessageStats>> {
    const out = new Map<string, MessageStats>();
    if (messageIds.length === 0) {
      return out;
    }
    const rows = await this.dataSource
      .getRepository(RecipientEntity)
      .createQueryBuilder('r')
      .select('r.messageId', 'message_id')
      .addSelect('r.status', 'status')
      .addSelect('r.channel', 'channel')
      .addSelect('COUNT(*)', 'n')
      .addSelect('SUM(CASE WHEN r.readAt IS NULL THEN 0 ELSE 1 END)', 'read')
      .where({ messageId: In(messageIds) })
      .groupBy('r.messageId')
      .addGroupBy('r.status')
      .addGroupBy('r.channel')
      .getRawMany<{
        message_id: string;
        status: string;
        channel: string | null;
        n: string;
        read: string;
      }>();
    for (const id of messageIds) {
      out.set(id, { total: 0, byStatus: {}, byChannel: {}, read: 0 });
    }
    for (const r of rows) {
      const s = out.get(r.message_id)!;
      const n = Number(r.n);
      s.total += n;
      s.read += Number(r.read ?? 0);
      s.byStatus[r.status] = (s.byStatus[r.status] ?? 0) + n;
      if (r.channel) {
        s.byChannel[r.channel] = (s.byChannel[r.channel] ?? 0) + n;
      }
    }
    return out;
  }

  /**
   * Every message the school sent and every thread post (both sides), as CSV: kept as the
   * school's record. Parents appear by pseudonymous id, never by name or contact.
   */
  async exportCsv(schoolOrgNodeId: string): Promise<string> {
    const records: string[][] = [
      [
        'type',
        'id',
        'sent_at',
        'author_type',
        'author',
        'audience',
        'subject',
        'text',
        'recipients',
        'read',
      ],
    ];
    const messages = await this.dataSource.getRepository(MessageEntity).find({
      where: { schoolOrgNodeId, kind: In(['announcement', 'family_note']) },
      order: { createdAt: 'ASC' },
    });
    const stats = await this.stats(messages.map((m) => m.id));
    for (const m of messages) {
      const audience =
        m.audienceType === 'grade'
          ? `grade ${m.audienceGrade}`
          : m.audienceType === 'class'
            ? `class ${m.audienceClassId}`
            : m.audienceType;
      const s = stats.get(m.id);
      records.push([
        m.kind,
        m.id,
        (m.sentAt ?? m.createdAt).toISOString(),
        m.authorType,
        m.authorName,
        audience,
        [m.subjectVi, m.subjectEn].filter(Boolean).join(' / ') || String(m.data?.moduleId ?? ''),
        [m.bodyVi, m.bodyEn].filter(Boolean).join('\n---\n'),
        String(s?.total ?? 0),
        String(s?.read ?? 0),
      ]);
    }
    const threads = await this.dataSource
      .getRepository(ThreadEntity)
      .find({ where: { schoolOrgNodeId }, order: { createdAt: 'ASC' } });
    for (const t of threads) {
      const posts = await this.dataSource
        .getRepository(ThreadPostEntity)
        .find({ where: { threadId: t.id }, order: { createdAt: 'ASC' } });
      for (const p of posts) {
        records.push([
          'thread_post',
          p.id,
          p.createdAt.toISOString(),
          p.authorType,
          p.authorType === 'teacher' ? t.teacherName : `parent ${p.authorId}`,
          `thread ${t.id} (class ${t.classId}, student ${t.studentId})`,
          t.subject,
          p.erasedAt
            ? '[erased at the parent’s request]'
            : this.crypto.decrypt(p.bodyEncrypted, p.id),
          '',
          '',
        ]);
      }
    }
    return stringify(records);
  }
}

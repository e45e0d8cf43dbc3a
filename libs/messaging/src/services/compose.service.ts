import { AppConfig, InjectConfig, QueueService } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import {
  AudienceType,
  BatchEntity,
  MessageData,
  MessageEntity,
  MessageKind,
  RecipientEntity,
} from '../entities/message.entities';
import { MESSAGING_JOBS } from '../messaging.constants';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { assertUuid, sqlNewUuid, sqlTimestamp } from '../util/sql.util';
import { Actor, MessagingAuditService } from './audit.service';
import { audienceOf, AudienceService, purposeOf } from './audience.service';

export interface ComposeInput {
  schoolOrgNodeId: string;
  kind: MessageKind;
  audience: {
    type: AudienceType;
    grade?: number | null;
    classId?: string | null;
    studentId?: string | null;
    parentId?: string | null;
    threadId?: string | null;
  };
  subjectVi?: string | null;
  bodyVi?: string | null;
  subjectEn?: string | null;
  bodyEn?: string | null;
  data?: MessageData | null;
  urgent?: boolean;
  scheduledAt?: Date | null;
  author: { type: MessageEntity['authorType']; id: string | null; name: string };
  /** At most one message per key (family note per class and module, digest per parent and day). */
  dedupeKey?: string;
  /** More writes in the same transaction (e.g. marking held rows as digested). */
  within?: (manager: EntityManager, message: MessageEntity) => Promise<void>;
}

const clean = (v: string | null | undefined, max: number): string | null => {
  const t = (v ?? '').replace(/\r\n/g, '\n').trim();
  return t ? t.slice(0, max) : null;
};

/**
 * Composing is one transaction (the outbox): the message, one recipient row per parent the
 * audience reaches with consent (INSERT … SELECT, numbered into batches), the batch rows and
 * the dispatch job. Nothing is sent from here; the jobs carry only ids.
 */
@Injectable()
export class ComposeService {
  private readonly logger = new Logger(ComposeService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: QueueService,
    private readonly audience: AudienceService,
    private readonly audit: MessagingAuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Validates an announcement's texts and audience; returns the cleaned input. */
  validateAnnouncement(input: ComposeInput): ComposeInput {
    const out = {
      ...input,
      subjectVi: clean(input.subjectVi, 200),
      bodyVi: clean(input.bodyVi, 10_000),
      subjectEn: clean(input.subjectEn, 200),
      bodyEn: clean(input.bodyEn, 10_000),
    };
    const vi = Boolean(out.subjectVi && out.bodyVi);
    const en = Boolean(out.subjectEn && out.bodyEn);
    if (!vi && !en) {
      throw new MessagingException(MessagingErrorCode.MESSAGE_EMPTY, 'Subject and text needed.');
    }
    const a = input.audience;
    const ok =
      a.type === 'school' ||
      (a.type === 'grade' && Number.isInteger(a.grade) && a.grade! >= 1 && a.grade! <= 12) ||
      (a.type === 'class' && Boolean(a.classId));
    if (!ok) {
      throw new MessagingException(MessagingErrorCode.AUDIENCE_INVALID, 'Bad audience.');
    }
    return out;
  }

  /** How many parents the audience reaches now (for the preview). */
  async countAudience(
    input: Pick<ComposeInput, 'schoolOrgNodeId' | 'kind' | 'audience'>,
  ): Promise<number> {
    return this.audience.count(this.dataSource.manager, {
      schoolOrgNodeId: input.schoolOrgNodeId,
      ...input.audience,
      type: input.audience.type,
      purpose: purposeOf(input.kind),
    });
  }

  async compose(input: ComposeInput): Promise<MessageEntity> {
    const message = await this.write(input);
    if (message.recipientCount >= 10_000 && this.config.database.type === 'postgres') {
      // A big broadcast changes the recipient table a lot at once: refresh its statistics so
      // the delivery jobs that start now use the batch index rather than a stale plan.
      await this.dataSource.query('ANALYZE msg_recipient').catch(() => undefined);
    }
    return message;
  }

  private async write(input: ComposeInput): Promise<MessageEntity> {
    const postgres = this.config.database.type === 'postgres';
    const batchSize = this.config.messaging.batchSize;
    const now = new Date();
    const scheduled = input.scheduledAt && input.scheduledAt.getTime() > now.getTime() + 1000;
    try {
      return await this.queue.transaction(async (m) => {
        if (input.dedupeKey) {
          const existing = await m
            .getRepository(MessageEntity)
            .findOne({ where: { dedupeKey: input.dedupeKey } });
          if (existing) {
            return existing;
          }
        }
        const id = randomUUID();
        const message = m.getRepository(MessageEntity).create({
          id,
          schoolOrgNodeId: input.schoolOrgNodeId,
          kind: input.kind,
          audienceType: input.audience.type,
          audienceGrade: input.audience.grade ?? null,
          audienceClassId: input.audience.classId ?? null,
          threadId: input.audience.threadId ?? null,
          studentId: input.audience.studentId ?? null,
          audienceParentId: input.audience.parentId ?? null,
          subjectVi: input.subjectVi ?? null,
          bodyVi: input.bodyVi ?? null,
          subjectEn: input.subjectEn ?? null,
          bodyEn: input.bodyEn ?? null,
          data: input.data ?? null,
          urgent: Boolean(input.urgent),
          scheduledAt: scheduled ? input.scheduledAt! : null,
          status: scheduled ? 'scheduled' : 'sending',
          authorType: input.author.type,
          authorId: input.author.id,
          authorName: input.author.name.slice(0, 200),
          recipientCount: 0,
          dedupeKey: input.dedupeKey ?? null,
          sentAt: null,
        });
        await m.getRepository(MessageEntity).insert(message);
        await input.within?.(m, message);
        const [sql, params] = this.audience.query(m, audienceOf(message)).getQueryAndParameters();
        const mid = assertUuid(id);
        const ts = sqlTimestamp(now, postgres);
        await m.query(
          `INSERT INTO msg_recipient (id, message_id, parent_id, batch_no, status, attempts, created_at) ` +
            `SELECT ${sqlNewUuid(postgres)}, '${mid}', a.parent_id, ` +
            `(ROW_NUMBER() OVER (ORDER BY a.parent_id) - 1) / ${Math.floor(batchSize)}, 'pending', 0, ${ts} ` +
            `FROM (${sql}) a`,
          params,
        );
        await m.query(
          `INSERT INTO msg_batch (id, message_id, batch_no, size, status, runs, updated_at) ` +
            `SELECT ${sqlNewUuid(postgres)}, message_id, batch_no, COUNT(*), 'queued', 0, ${ts} ` +
            `FROM msg_recipient WHERE message_id = '${mid}' GROUP BY message_id, batch_no`,
        );
        const total = await m.getRepository(RecipientEntity).count({ where: { messageId: id } });
        message.recipientCount = total;
        await m.getRepository(MessageEntity).update({ id }, { recipientCount: total });
        await this.queue.enqueue(
          MESSAGING_JOBS.dispatch,
          { messageId: id },
          {
            manager: m,
            delayMs: scheduled ? input.scheduledAt!.getTime() - now.getTime() : 0,
            dedupeKey: `msg-dispatch:${id}`,
          },
        );
        this.logger.log({
          msg: 'message composed',
          messageId: id,
          kind: input.kind,
          recipients: total,
          scheduled: Boolean(scheduled),
          urgent: Boolean(input.urgent),
        });
        return message;
      });
    } catch (err) {
      if (input.dedupeKey) {
        const existing = await this.dataSource
          .getRepository(MessageEntity)
          .findOne({ where: { dedupeKey: input.dedupeKey } });
        if (existing) {
          return existing; // lost a race with an identical compose
        }
      }
      throw err;
    }
  }

  /** Cancels a scheduled message that has not started; its recipients are dropped. */
  async cancel(messageId: string, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const res = await m
        .getRepository(MessageEntity)
        .createQueryBuilder()
        .update()
        .set({ status: 'cancelled' })
        .where('id = :id AND status = :s', { id: messageId, s: 'scheduled' })
        .execute();
      if (!res.affected) {
        throw new MessagingException(MessagingErrorCode.MESSAGE_NOT_EDITABLE, 'Already sending.');
      }
      await m.getRepository(RecipientEntity).delete({ messageId, status: In(['pending', 'held']) });
      await m.getRepository(BatchEntity).update({ messageId }, { status: 'done' });
      await this.audit.record(actor, 'message.cancelled', { subjectId: messageId }, m);
    });
  }
}

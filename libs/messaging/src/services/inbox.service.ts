import { AppConfig, InjectConfig, Lang } from '@lib/core';
import { OrgsService } from '@lib/orgs';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { MessageEntity, RecipientEntity } from '../entities/message.entities';
import { ParentEntity } from '../entities/parent.entities';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { MessagingAuditService } from './audit.service';
import { ConsentService } from './consent.service';
import { MessageRendererService } from './message-renderer.service';
import { ParentsService } from './parents.service';
import { ThreadsService } from './threads.service';

export interface InboxItem {
  recipientId: string;
  kind: MessageEntity['kind'];
  title: string;
  excerpt: string;
  school: string;
  author: string;
  createdAt: Date;
  read: boolean;
  urgent: boolean;
  threadId: string | null;
}

/** The parent's side: inbox, reading (read receipts), unsubscribe, and the data download. */
@Injectable()
export class InboxService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly renderer: MessageRendererService,
    private readonly orgs: OrgsService,
    private readonly parents: ParentsService,
    private readonly consent: ConsentService,
    private readonly threads: ThreadsService,
    private readonly audit: MessagingAuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async list(parentId: string, lang: Lang, limit = 100): Promise<InboxItem[]> {
    const rows = await this.dataSource
      .getRepository(RecipientEntity)
      .createQueryBuilder('r')
      .innerJoinAndMapOne('r.message', MessageEntity, 'm', 'm.id = r.messageId')
      .where('r.parentId = :parentId', { parentId })
      .andWhere('r.status <> :skipped', { skipped: 'skipped' })
      .andWhere('m.status IN (:...st)', { st: ['sending', 'sent'] })
      // Digests repeat what is listed anyway; thread posts are read in their thread.
      .andWhere('m.kind NOT IN (:...kinds)', { kinds: ['daily_digest', 'thread_post'] })
      .orderBy('r.createdAt', 'DESC')
      .take(limit)
      .getMany();
    const schools = new Map<string, string>();
    const out: InboxItem[] = [];
    for (const r of rows as (RecipientEntity & { message: MessageEntity })[]) {
      const m = r.message;
      if (!schools.has(m.schoolOrgNodeId)) {
        schools.set(
          m.schoolOrgNodeId,
          (await this.orgs.getById(m.schoolOrgNodeId).catch(() => null))?.name ?? '',
        );
      }
      const prepared = await this.renderer.prepare(m);
      const c = prepared.content(lang);
      const text = this.renderer.titleAndText(m, lang).text;
      out.push({
        recipientId: r.id,
        kind: m.kind,
        title: c.title,
        excerpt: m.kind === 'thread_post' ? '' : text.slice(0, 160),
        school: schools.get(m.schoolOrgNodeId) ?? '',
        author: m.authorName,
        createdAt: m.createdAt,
        read: Boolean(r.readAt),
        urgent: m.urgent,
        threadId: m.threadId,
      });
    }
    return out;
  }

  /** Opens one message of this parent (marks it read) and returns its rendered content. */
  async open(
    parentId: string,
    recipientId: string,
    lang: Lang,
  ): Promise<{ item: InboxItem; html: string }> {
    const r = await this.dataSource
      .getRepository(RecipientEntity)
      .findOne({ where: { id: recipientId, parentId } });
    const m = r
      ? await this.dataSource.getRepository(MessageEntity).findOne({ where: { id: r.messageId } })
      : null;
    if (!r || !m || r.status === 'skipped' || !['sending', 'sent'].includes(m.status)) {
      throw new MessagingException(MessagingErrorCode.MESSAGE_NOT_FOUND, 'No such message.');
    }
    if (!r.readAt) {
      await this.dataSource
        .getRepository(RecipientEntity)
        .createQueryBuilder()
        .update()
        .set({ readAt: new Date() })
        .where('id = :id AND read_at IS NULL', { id: r.id })
        .execute();
    }
    const prepared = await this.renderer.prepare(m);
    const c = prepared.content(lang);
    return {
      item: {
        recipientId: r.id,
        kind: m.kind,
        title: c.title,
        excerpt: '',
        school: prepared.schoolName,
        author: m.authorName,
        createdAt: m.createdAt,
        read: true,
        urgent: m.urgent,
        threadId: m.threadId,
      },
      html: c.mail.contentHtml,
    };
  }

  async unreadCount(parentId: string): Promise<number> {
    return this.dataSource
      .getRepository(RecipientEntity)
      .createQueryBuilder('r')
      .innerJoin(MessageEntity, 'm', 'm.id = r.messageId')
      .where('r.parentId = :parentId AND r.readAt IS NULL', { parentId })
      .andWhere('r.status <> :skipped', { skipped: 'skipped' })
      .andWhere('m.status IN (:...st)', { st: ['sending', 'sent'] })
      .andWhere('m.kind NOT IN (:...kinds)', { kinds: ['daily_digest', 'thread_post'] })
      .getCount();
  }

  /** One-click unsubscribe from an e-mail (RFC 8058): the parent keeps the inbox only. */
  async unsubscribe(recipientId: string, sig: string): Promise<boolean> {
    if (!this.renderer.checkUnsubscribe(recipientId, sig)) {
      return false;
    }
    const r = await this.dataSource
      .getRepository(RecipientEntity)
      .findOne({ where: { id: recipientId } });
    if (!r) {
      return false;
    }
    await this.parents.updatePreferences(
      r.parentId,
      { mode: 'off' },
      { type: 'parent', id: r.parentId },
    );
    return true;
  }

  /** Everything SafeNest holds about this parent, decrypted, as JSON (right of access). */
  async exportData(parentId: string): Promise<Record<string, unknown>> {
    const parent = await this.dataSource
      .getRepository(ParentEntity)
      .findOneByOrFail({ id: parentId });
    const recipients = await this.dataSource
      .getRepository(RecipientEntity)
      .find({ where: { parentId }, order: { createdAt: 'ASC' } });
    const messages = recipients.length
      ? await this.dataSource
          .getRepository(MessageEntity)
          .find({ where: { id: In([...new Set(recipients.map((r) => r.messageId))]) } })
      : [];
    const byId = new Map(messages.map((m) => [m.id, m]));
    const threads = await this.threads.forParentList(parentId);
    const threadPosts = [];
    for (const t of threads) {
      threadPosts.push({
        threadId: t.id,
        subject: t.subject,
        teacher: t.teacherName,
        posts: (await this.threads.posts(t.id)).map((p) => ({
          from:
            p.authorType === 'parent'
              ? p.authorId === parentId
                ? 'you'
                : 'another guardian'
              : 'teacher',
          text: p.body,
          at: p.createdAt,
        })),
      });
    }
    await this.audit.record({ type: 'parent', id: parentId }, 'data.exported', { parentId });
    return {
      exportedAt: new Date().toISOString(),
      parent: {
        id: parent.id,
        name: this.parents.nameOf(parent),
        language: parent.lang,
        mode: parent.mode,
        channel: parent.channel,
        digestHour: parent.digestHour,
        createdAt: parent.createdAt,
      },
      contacts: await this.parents.contacts(parentId),
      children: (await this.parents.children(parentId)).map((c) => ({
        studentId: c.studentId,
        school: c.schoolName,
        class: c.classTitle,
        relation: c.relation,
        linkedVia: c.source,
        linkedAt: c.createdAt,
      })),
      consents: (await this.consent.history(parentId)).map((c) => ({
        studentId: c.studentId,
        purpose: c.purpose,
        textVersion: c.textVersion,
        via: c.grantedVia,
        grantedAt: c.grantedAt,
        withdrawnAt: c.withdrawnAt,
      })),
      messages: recipients.map((r) => {
        const m = byId.get(r.messageId);
        return {
          kind: m?.kind,
          subject: m ? this.renderer.titleAndText(m, parent.lang).title : '',
          school: m?.schoolOrgNodeId,
          sentAt: r.sentAt,
          channel: r.channel,
          status: r.status,
          readAt: r.readAt,
        };
      }),
      threads: threadPosts,
      audit: (await this.audit.forParent(parentId)).map((a) => ({
        at: a.at,
        action: a.action,
        by: a.actorType,
        details: a.details,
      })),
    };
  }
}

import { FieldEncryptionService } from '@lib/core';
import { OrgsService } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { MessageEntity, RecipientEntity } from '../entities/message.entities';
import {
  ConsentEntity,
  ContactEntity,
  ContactKind,
  ContactStatus,
  LinkRelation,
  MagicLinkEntity,
  ParentChannel,
  ParentEntity,
  ParentMode,
  ParentSessionEntity,
  StudentLinkEntity,
} from '../entities/parent.entities';
import { ClassEntity, ThreadPostEntity, ThreadStateEntity } from '../entities/thread.entities';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { normalizeContact } from '../util/contact.util';
import { Actor, MessagingAuditService } from './audit.service';

export interface ParentPreferences {
  mode?: ParentMode;
  channel?: ParentChannel;
  lang?: 'vi' | 'en';
  digestHour?: number;
}

export interface ContactView {
  id: string;
  kind: ContactKind;
  value: string;
  status: ContactStatus;
  verified: boolean;
}

/**
 * Parents, their contacts (encrypted, found by blind index), their children and their data
 * rights: download and erasure. Every change is audited.
 */
@Injectable()
export class ParentsService {
  private readonly logger = new Logger(ParentsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: FieldEncryptionService,
    private readonly audit: MessagingAuditService,
    private readonly orgs: OrgsService,
  ) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async create(
    input: { name?: string | null; lang?: 'vi' | 'en'; channel?: ParentChannel },
    actor: Actor,
    manager?: EntityManager,
  ): Promise<ParentEntity> {
    const id = randomUUID();
    const row = this.m(manager)
      .getRepository(ParentEntity)
      .create({
        id,
        nameEncrypted: input.name?.trim()
          ? this.crypto.encrypt(input.name.trim().slice(0, 200), id)
          : null,
        lang: input.lang ?? 'vi',
        mode: 'instant',
        channel: input.channel ?? 'email',
        digestHour: 18,
        status: 'active',
        erasedAt: null,
      });
    await this.m(manager).getRepository(ParentEntity).insert(row);
    await this.audit.record(actor, 'parent.created', { parentId: id }, manager);
    return row;
  }

  async get(parentId: string, manager?: EntityManager): Promise<ParentEntity> {
    const p = await this.m(manager)
      .getRepository(ParentEntity)
      .findOne({ where: { id: parentId } });
    if (!p || p.status !== 'active') {
      throw new MessagingException(MessagingErrorCode.PARENT_NOT_FOUND, 'No such parent.', {
        parentId,
      });
    }
    return p;
  }

  nameOf(parent: ParentEntity): string {
    return parent.nameEncrypted ? this.crypto.decrypt(parent.nameEncrypted, parent.id) : '';
  }

  async setName(parentId: string, name: string, actor: Actor): Promise<void> {
    const v = name.trim().slice(0, 200);
    await this.dataSource
      .getRepository(ParentEntity)
      .update({ id: parentId }, { nameEncrypted: v ? this.crypto.encrypt(v, parentId) : null });
    await this.audit.record(actor, 'parent.name_changed', { parentId });
  }

  indexOf(kind: ContactKind, normalized: string): string {
    return this.crypto.blindIndex(
      `msg-contact-${kind === 'email' ? 'email' : 'phone'}`,
      normalized,
    );
  }

  /** The contact holding this value, if any (e-mail, or phone for both SMS and Zalo). */
  async findContact(
    kind: ContactKind,
    value: string,
    manager?: EntityManager,
  ): Promise<ContactEntity | null> {
    const normalized = normalizeContact(kind, value);
    if (!normalized) {
      return null;
    }
    return this.m(manager)
      .getRepository(ContactEntity)
      .findOne({ where: { kind, valueIndex: this.indexOf(kind, normalized) } });
  }

  /** Contacts with the same number as `phone` (its SMS and its Zalo contact), for STOP replies. */
  async contactsByPhone(phone: string): Promise<ContactEntity[]> {
    const normalized = normalizeContact('phone', phone);
    if (!normalized) {
      return [];
    }
    return this.dataSource.getRepository(ContactEntity).find({
      where: { valueIndex: this.indexOf('phone', normalized), kind: In(['phone', 'zalo']) },
    });
  }

  /**
   * Sets (or replaces) the parent's contact of a kind. A changed value is unverified until a
   * sign-in link sent to it is used, unless `verified` (the school vouches for it on import).
   */
  async setContact(
    parentId: string,
    kind: ContactKind,
    value: string,
    actor: Actor,
    options: { verified?: boolean; manager?: EntityManager } = {},
  ): Promise<ContactEntity> {
    const normalized = normalizeContact(kind, value);
    if (!normalized) {
      throw new MessagingException(MessagingErrorCode.CONTACT_INVALID, 'Invalid contact.', {
        kind,
      });
    }
    const repo = this.m(options.manager).getRepository(ContactEntity);
    const index = this.indexOf(kind, normalized);
    const holder = await repo.findOne({ where: { kind, valueIndex: index } });
    if (holder && holder.parentId !== parentId) {
      throw new MessagingException(
        MessagingErrorCode.CONTACT_TAKEN,
        'Contact belongs to another parent.',
        {
          kind,
        },
      );
    }
    if (holder) {
      if (options.verified && !holder.verifiedAt) {
        await repo.update({ id: holder.id }, { verifiedAt: new Date() });
      }
      return holder;
    }
    const existing = await repo.findOne({ where: { parentId, kind } });
    const id = existing?.id ?? randomUUID();
    const values = {
      valueEncrypted: this.crypto.encrypt(normalized, id),
      valueIndex: index,
      status: 'active' as const,
      statusReason: null,
      statusAt: null,
      verifiedAt: options.verified ? new Date() : null,
    };
    if (existing) {
      await repo.update({ id }, values);
    } else {
      await repo.insert({ id, parentId, kind, ...values });
    }
    await this.audit.record(
      actor,
      existing ? 'contact.changed' : 'contact.added',
      { parentId, subjectId: id, details: { kind, verified: Boolean(options.verified) } },
      options.manager,
    );
    return repo.findOneByOrFail({ id });
  }

  async removeContact(parentId: string, kind: ContactKind, actor: Actor): Promise<void> {
    const repo = this.dataSource.getRepository(ContactEntity);
    const c = await repo.findOne({ where: { parentId, kind } });
    if (c) {
      await repo.delete({ id: c.id });
      await this.audit.record(actor, 'contact.removed', {
        parentId,
        subjectId: c.id,
        details: { kind },
      });
    }
  }

  contactValue(c: Pick<ContactEntity, 'id' | 'valueEncrypted'>): string {
    return this.crypto.decrypt(c.valueEncrypted, c.id);
  }

  async contacts(parentId: string): Promise<ContactView[]> {
    const rows = await this.dataSource
      .getRepository(ContactEntity)
      .find({ where: { parentId }, order: { kind: 'ASC' } });
    return rows.map((c) => ({
      id: c.id,
      kind: c.kind,
      value: this.contactValue(c),
      status: c.status,
      verified: Boolean(c.verifiedAt),
    }));
  }

  /** Bounce, invalid number, STOP/START: the contact is (not) used for sending. */
  async setContactStatus(
    contactId: string,
    status: ContactStatus,
    reason: string | null,
    actor: Actor,
  ): Promise<void> {
    const repo = this.dataSource.getRepository(ContactEntity);
    const c = await repo.findOne({ where: { id: contactId } });
    if (!c || c.status === status) {
      return;
    }
    await repo.update(
      { id: contactId },
      { status, statusReason: reason?.slice(0, 300) ?? null, statusAt: new Date() },
    );
    await this.audit.record(actor, 'contact.status', {
      parentId: c.parentId,
      subjectId: contactId,
      details: { kind: c.kind, status },
    });
    this.logger.log({ msg: 'contact status changed', contactId, parentId: c.parentId, status });
  }

  async markVerified(contactId: string): Promise<void> {
    await this.dataSource
      .getRepository(ContactEntity)
      .createQueryBuilder()
      .update()
      .set({ verifiedAt: new Date() })
      .where('id = :id AND verified_at IS NULL', { id: contactId })
      .execute();
  }

  async updatePreferences(parentId: string, prefs: ParentPreferences, actor: Actor): Promise<void> {
    const patch: Partial<ParentEntity> = {};
    if (prefs.mode && ['instant', 'digest', 'off'].includes(prefs.mode)) {
      patch.mode = prefs.mode;
    }
    if (prefs.channel && ['email', 'sms', 'zalo', 'inbox'].includes(prefs.channel)) {
      patch.channel = prefs.channel;
    }
    if (prefs.lang === 'vi' || prefs.lang === 'en') {
      patch.lang = prefs.lang;
    }
    if (
      prefs.digestHour !== undefined &&
      Number.isInteger(prefs.digestHour) &&
      prefs.digestHour >= 0 &&
      prefs.digestHour <= 23
    ) {
      patch.digestHour = prefs.digestHour;
    }
    if (Object.keys(patch).length === 0) {
      return;
    }
    await this.dataSource.getRepository(ParentEntity).update({ id: parentId }, patch);
    await this.audit.record(actor, 'preferences.changed', {
      parentId,
      details: Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v as string | number])),
    });
  }

  async link(
    input: {
      parentId: string;
      studentId: string;
      schoolOrgNodeId: string;
      classId: string | null;
      relation: LinkRelation;
      source: 'invite' | 'import';
    },
    actor: Actor,
    manager?: EntityManager,
  ): Promise<StudentLinkEntity> {
    const repo = this.m(manager).getRepository(StudentLinkEntity);
    const existing = await repo.findOne({
      where: { parentId: input.parentId, studentId: input.studentId },
    });
    if (existing) {
      if (input.classId && existing.classId !== input.classId) {
        await repo.update(
          { id: existing.id },
          { classId: input.classId, schoolOrgNodeId: input.schoolOrgNodeId },
        );
      }
      return existing;
    }
    const row = repo.create({ id: randomUUID(), ...input });
    await repo.insert(row);
    await this.audit.record(
      actor,
      'child.linked',
      { parentId: input.parentId, subjectId: input.studentId, details: { source: input.source } },
      manager,
    );
    return row;
  }

  async links(parentId: string): Promise<StudentLinkEntity[]> {
    return this.dataSource
      .getRepository(StudentLinkEntity)
      .find({ where: { parentId }, order: { createdAt: 'ASC' } });
  }

  /** Children with their school's name, for the parent's pages. */
  async children(
    parentId: string,
  ): Promise<(StudentLinkEntity & { schoolName: string; classTitle: string })[]> {
    const links = await this.links(parentId);
    const out = [];
    for (const l of links) {
      const school = await this.orgs.getById(l.schoolOrgNodeId).catch(() => null);
      const klass = l.classId
        ? await this.dataSource
            .getRepository(ClassEntity)
            .findOne({ where: { classId: l.classId } })
        : null;
      out.push({ ...l, schoolName: school?.name ?? '', classTitle: klass?.title ?? '' });
    }
    return out;
  }

  /**
   * Right to erasure: contacts, name, links, consents' personal part, sessions, undelivered
   * messages and the text of the parent's own thread posts go; the audit trail (ids only) and
   * consent records (proof of what was agreed, by a now anonymous id) stay.
   */
  async erase(parentId: string, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const postRepo = m.getRepository(ThreadPostEntity);
      const posts = await postRepo.find({
        where: { authorType: 'parent', authorId: parentId },
        select: ['id'],
      });
      for (const p of posts) {
        await postRepo.update(
          { id: p.id },
          { bodyEncrypted: this.crypto.encrypt('', p.id), erasedAt: new Date() },
        );
      }
      await m.getRepository(ContactEntity).delete({ parentId });
      await m.getRepository(StudentLinkEntity).delete({ parentId });
      await m.getRepository(MagicLinkEntity).delete({ parentId });
      await m.getRepository(ParentSessionEntity).delete({ parentId });
      await m.getRepository(ThreadStateEntity).delete({ parentId });
      await m.getRepository(RecipientEntity).delete({ parentId });
      await m
        .getRepository(ConsentEntity)
        .createQueryBuilder()
        .update()
        .set({ withdrawnAt: new Date() })
        .where('parent_id = :parentId AND withdrawn_at IS NULL', { parentId })
        .execute();
      // Digests addressed to this parent alone carry its item list: gone with it.
      await m
        .getRepository(MessageEntity)
        .delete({ kind: 'daily_digest', audienceParentId: parentId });
      await m
        .getRepository(ParentEntity)
        .update({ id: parentId }, { status: 'erased', nameEncrypted: null, erasedAt: new Date() });
      await this.audit.record(actor, 'parent.erased', { parentId }, m);
    });
    this.logger.log({ msg: 'parent erased', parentId });
  }
}

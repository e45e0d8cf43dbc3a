import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { BatchEntity, MessageEntity, RecipientEntity } from '../entities/message.entities';
import { ConsentEntity, ConsentPurpose } from '../entities/parent.entities';
import { CONSENT_TEXT_VERSION } from '../messaging.constants';
import { Actor, MessagingAuditService } from './audit.service';
import { audienceOf, AudienceService } from './audience.service';

/**
 * Consent per parent, child and purpose (Law 91/2025): recorded with the text version and the
 * way it was given; a withdrawal stops that processing at once (undelivered messages that
 * relied on it are deleted, progress digests about that child are erased) and is audited.
 */
@Injectable()
export class ConsentService {
  private readonly logger = new Logger(ConsentService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: MessagingAuditService,
    private readonly audience: AudienceService,
  ) {}

  async grant(
    input: {
      parentId: string;
      studentId: string;
      purpose: ConsentPurpose;
      via: 'web' | 'school_import';
      lang: 'vi' | 'en';
      recordedBy: string | null;
      at?: Date;
    },
    actor: Actor,
    manager?: EntityManager,
  ): Promise<boolean> {
    const repo = (manager ?? this.dataSource.manager).getRepository(ConsentEntity);
    const active = await repo.findOne({
      where: {
        parentId: input.parentId,
        studentId: input.studentId,
        purpose: input.purpose,
        withdrawnAt: IsNull(),
      },
    });
    if (active) {
      return false;
    }
    const id = randomUUID();
    await repo.insert({
      id,
      parentId: input.parentId,
      studentId: input.studentId,
      purpose: input.purpose,
      textVersion: CONSENT_TEXT_VERSION,
      textLang: input.lang,
      grantedVia: input.via,
      recordedBy: input.recordedBy,
      grantedAt: input.at ?? new Date(),
      withdrawnAt: null,
    });
    await this.audit.record(
      actor,
      'consent.granted',
      {
        parentId: input.parentId,
        subjectId: id,
        details: {
          studentId: input.studentId,
          purpose: input.purpose,
          via: input.via,
          version: CONSENT_TEXT_VERSION,
        },
      },
      manager,
    );
    return true;
  }

  async withdraw(
    parentId: string,
    studentId: string,
    purpose: ConsentPurpose,
    actor: Actor,
  ): Promise<boolean> {
    const changed = await this.dataSource.transaction(async (m) => {
      const res = await m
        .getRepository(ConsentEntity)
        .createQueryBuilder()
        .update()
        .set({ withdrawnAt: new Date() })
        .where('parent_id = :parentId AND student_id = :studentId AND purpose = :purpose', {
          parentId,
          studentId,
          purpose,
        })
        .andWhere('withdrawn_at IS NULL')
        .execute();
      if (!res.affected) {
        return false;
      }
      const stopped = await this.stopUncovered(m, parentId);
      let erased = 0;
      if (purpose === 'progress') {
        erased = await this.eraseProgress(m, parentId, studentId);
      }
      await this.audit.record(
        actor,
        'consent.withdrawn',
        { parentId, subjectId: studentId, details: { purpose, stopped, erased } },
        m,
      );
      return true;
    });
    if (changed) {
      this.logger.log({ msg: 'consent withdrawn', parentId, studentId, purpose });
    }
    return changed;
  }

  /** Deletes the parent's undelivered rows whose message no longer has consent to reach them. */
  async stopUncovered(m: EntityManager, parentId: string): Promise<number> {
    const rows = await m.getRepository(RecipientEntity).find({
      where: { parentId, status: In(['pending', 'held']) },
      select: ['id', 'messageId'],
    });
    if (rows.length === 0) {
      return 0;
    }
    const messages = await m
      .getRepository(MessageEntity)
      .find({ where: { id: In([...new Set(rows.map((r) => r.messageId))]) } });
    const drop: string[] = [];
    for (const msg of messages) {
      const covered = await this.audience.covered(m, audienceOf(msg), [parentId]);
      if (!covered.has(parentId)) {
        drop.push(...rows.filter((r) => r.messageId === msg.id).map((r) => r.id));
      }
    }
    if (drop.length) {
      await m.getRepository(RecipientEntity).delete({ id: In(drop) });
    }
    return drop.length;
  }

  /** Progress digests about this child sent to this parent: erased with the consent. */
  private async eraseProgress(
    m: EntityManager,
    parentId: string,
    studentId: string,
  ): Promise<number> {
    const msgs = await m
      .getRepository(MessageEntity)
      .find({ where: { kind: 'progress_digest', studentId }, select: ['id'] });
    if (msgs.length === 0) {
      return 0;
    }
    const ids = msgs.map((x) => x.id);
    const res = await m.getRepository(RecipientEntity).delete({ parentId, messageId: In(ids) });
    // A digest nobody holds any more is deleted entirely (it names the child's results).
    for (const id of ids) {
      const left = await m.getRepository(RecipientEntity).count({ where: { messageId: id } });
      if (left === 0) {
        await m.getRepository(BatchEntity).delete({ messageId: id });
        await m.getRepository(MessageEntity).delete({ id });
      }
    }
    return res.affected ?? 0;
  }

  async current(parentId: string): Promise<ConsentEntity[]> {
    return this.dataSource
      .getRepository(ConsentEntity)
      .find({ where: { parentId, withdrawnAt: IsNull() } });
  }

  async history(parentId: string): Promise<ConsentEntity[]> {
    return this.dataSource
      .getRepository(ConsentEntity)
      .find({ where: { parentId }, order: { grantedAt: 'ASC' } });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { MessagingAuditEntity } from '../entities/parent.entities';

export interface Actor {
  type: MessagingAuditEntity['actorType'];
  id: string | null;
}

export const SYSTEM: Actor = { type: 'system', id: null };

/** Writes the audit trail of parent data (ids only), inside the caller's transaction if given. */
@Injectable()
export class MessagingAuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(
    actor: Actor,
    action: string,
    target: {
      parentId?: string | null;
      subjectId?: string | null;
      details?: MessagingAuditEntity['details'];
    },
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.dataSource.manager).getRepository(MessagingAuditEntity).insert({
      id: randomUUID(),
      at: new Date(),
      actorType: actor.type,
      actorId: actor.id,
      action,
      parentId: target.parentId ?? null,
      subjectId: target.subjectId ?? null,
      details: target.details ?? null,
    });
  }

  async forParent(parentId: string): Promise<MessagingAuditEntity[]> {
    return this.dataSource
      .getRepository(MessagingAuditEntity)
      .find({ where: { parentId }, order: { at: 'ASC' } });
  }
}

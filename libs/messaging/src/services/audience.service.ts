import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull, SelectQueryBuilder } from 'typeorm';
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

  /**
   * The subset of `parentIds` the audience still covers. Evaluated from each parent's own links
   * and consents (index lookups by parent), so the plan never depends on how many links the
   * school has or on table statistics.
   */
  async covered(
    manager: EntityManager,
    a: AudienceSpec,
    parentIds: string[],
  ): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < parentIds.length; i += 500) {
      const part = parentIds.slice(i, i + 500);
      const [links, consents, parents] = await Promise.all([
        manager.getRepository(StudentLinkEntity).find({
          where: { parentId: In(part) },
          select: ['parentId', 'studentId', 'schoolOrgNodeId', 'classId'],
        }),
        manager.getRepository(ConsentEntity).find({
          where: { parentId: In(part), purpose: a.purpose, withdrawnAt: IsNull() },
          select: ['parentId', 'studentId'],
        }),
        manager
          .getRepository(ParentEntity)
          .find({ where: { id: In(part), status: 'active' }, select: ['id'] }),
      ]);
      const active = new Set(parents.map((p) => p.id));
      const consented = new Set(consents.map((c) => `${c.parentId}|${c.studentId}`));
      const grades = new Map<string, number | null>();
      if (a.type === 'grade') {
        const classIds = [...new Set(links.map((l) => l.classId).filter((c) => c !== null))];
        const classes = classIds.length
          ? await manager
              .getRepository(ClassEntity)
              .find({ where: { classId: In(classIds) }, select: ['classId', 'grade'] })
          : [];
        classes.forEach((c) => grades.set(c.classId, c.grade));
      }
      const inAudience = (l: StudentLinkEntity): boolean => {
        switch (a.type) {
          case 'school':
            return l.schoolOrgNodeId === a.schoolOrgNodeId;
          case 'grade':
            // Same as the SQL: a class of that grade in this school (no grade matches nothing).
            return (
              l.schoolOrgNodeId === a.schoolOrgNodeId &&
              l.classId !== null &&
              a.grade !== null &&
              a.grade !== undefined &&
              grades.get(l.classId) === a.grade
            );
          case 'class':
            return l.classId === a.classId;
          case 'thread':
          case 'student':
            return l.studentId === a.studentId;
          case 'parent':
            return l.parentId === a.parentId;
        }
      };
      for (const l of links) {
        if (!active.has(l.parentId) || !consented.has(`${l.parentId}|${l.studentId}`)) {
          continue;
        }
        if (inAudience(l)) {
          out.add(l.parentId);
        }
      }
    }
    return out;
  }

  async count(manager: EntityManager, a: AudienceSpec): Promise<number> {
    const [sql, params] = this.query(manager, a).getQueryAndParameters();
    const rows = await manager.query<{ n: string | number }[]>(
      `SELECT COUNT(*) AS n FROM (${sql}) a`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }
}

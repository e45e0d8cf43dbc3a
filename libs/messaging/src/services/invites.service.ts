import { FieldEncryptionService } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull, MoreThan } from 'typeorm';
import { InviteCodeEntity, StudentLinkEntity } from '../entities/parent.entities';
import { INVITE_CODE_DAYS } from '../messaging.constants';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { generateInviteCode, normalizeInviteCode } from '../util/invite-code.util';

export interface InviteSlip {
  studentId: string;
  displayName: string;
  code: string;
  expiresAt: Date;
  linkedParents: number;
}

/** Per-student invite codes a teacher prints; a parent who types one is linked to that child. */
@Injectable()
export class InvitesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: FieldEncryptionService,
  ) {}

  private index(code: string): string {
    return this.crypto.blindIndex('msg-invite', code);
  }

  /** One valid code per learner of the class (created when missing), with how many parents joined. */
  async slips(
    klass: { classId: string; schoolOrgNodeId: string },
    learners: { studentId: string; displayName: string }[],
    createdBy: string,
  ): Promise<InviteSlip[]> {
    const repo = this.dataSource.getRepository(InviteCodeEntity);
    const now = new Date();
    const active = await repo.find({
      where: { classId: klass.classId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
    });
    const byStudent = new Map(active.map((c) => [c.studentId, c]));
    const counts = await this.linkCounts(learners.map((l) => l.studentId));
    const out: InviteSlip[] = [];
    for (const l of learners) {
      let row = byStudent.get(l.studentId);
      let code: string;
      if (row) {
        code = this.crypto.decrypt(row.codeEncrypted, row.id);
      } else {
        ({ row, code } = await this.create(klass, l.studentId, createdBy));
      }
      out.push({
        studentId: l.studentId,
        displayName: l.displayName,
        code,
        expiresAt: row.expiresAt,
        linkedParents: counts.get(l.studentId) ?? 0,
      });
    }
    return out;
  }

  /** Revokes the student's code(s) in this class and issues a new one. */
  async regenerate(
    klass: { classId: string; schoolOrgNodeId: string },
    studentId: string,
    createdBy: string,
  ): Promise<string> {
    await this.dataSource
      .getRepository(InviteCodeEntity)
      .update(
        { classId: klass.classId, studentId, revokedAt: IsNull() },
        { revokedAt: new Date() },
      );
    return (await this.create(klass, studentId, createdBy)).code;
  }

  private async create(
    klass: { classId: string; schoolOrgNodeId: string },
    studentId: string,
    createdBy: string,
  ): Promise<{ row: InviteCodeEntity; code: string }> {
    const repo = this.dataSource.getRepository(InviteCodeEntity);
    for (let attempt = 0; ; attempt++) {
      const code = generateInviteCode();
      const id = randomUUID();
      const row = repo.create({
        id,
        codeIndex: this.index(code),
        codeEncrypted: this.crypto.encrypt(code, id),
        studentId,
        classId: klass.classId,
        schoolOrgNodeId: klass.schoolOrgNodeId,
        createdBy,
        expiresAt: new Date(Date.now() + INVITE_CODE_DAYS * 86_400_000),
        uses: 0,
        maxUses: 4,
        revokedAt: null,
      });
      try {
        await repo.insert(row);
        return { row, code };
      } catch (err) {
        if (attempt >= 3) {
          throw err; // a collision of 8 random characters four times in a row is not luck
        }
      }
    }
  }

  /** The invite behind a typed code, if it can still be used. */
  async find(input: string, manager?: EntityManager): Promise<InviteCodeEntity> {
    const code = normalizeInviteCode(input);
    const row = code
      ? await (manager ?? this.dataSource.manager)
          .getRepository(InviteCodeEntity)
          .findOne({ where: { codeIndex: this.index(code) } })
      : null;
    if (!row || row.revokedAt || row.expiresAt.getTime() < Date.now() || row.uses >= row.maxUses) {
      throw new MessagingException(
        MessagingErrorCode.INVITE_CODE_INVALID,
        'Invite code not valid.',
      );
    }
    return row;
  }

  /** Counts one use, unless the code got used up concurrently. */
  async consume(manager: EntityManager, inviteId: string): Promise<void> {
    const res = await manager
      .getRepository(InviteCodeEntity)
      .createQueryBuilder()
      .update()
      .set({ uses: () => 'uses + 1' })
      .where('id = :id AND uses < max_uses AND revoked_at IS NULL', { id: inviteId })
      .execute();
    if (!res.affected) {
      throw new MessagingException(MessagingErrorCode.INVITE_CODE_INVALID, 'Invite code used up.');
    }
  }

  private async linkCounts(studentIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (studentIds.length === 0) {
      return out;
    }
    const rows = await this.dataSource
      .getRepository(StudentLinkEntity)
      .createQueryBuilder('l')
      .select('l.studentId', 'student_id')
      .addSelect('COUNT(*)', 'n')
      .where({ studentId: In(studentIds) })
      .groupBy('l.studentId')
      .getRawMany<{ student_id: string; n: string | number }>();
    rows.forEach((r) => out.set(r.student_id, Number(r.n)));
    return out;
  }
}

import { DateTimeColumn, UuidColumn } from '@lib/core';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AuditAction, AuditActorKind } from '../safeguarding.constants';

/**
 * The audit trail of concern reports: every read and change, append-only. Rows form one hash
 * chain (`hash` = HMAC of the row and the previous row's hash), so an edited, removed or
 * re-ordered row is detected by `safeguarding:audit-verify`; on PostgreSQL and SQLite a
 * trigger also rejects UPDATE and DELETE. The code has no update or delete path for it.
 * Details hold ids and states only, never what a reporter wrote.
 */
@Entity('concern_audit')
@Index('idx_concern_audit_report', ['reportId', 'seq'])
export class ConcernAuditEntity {
  /** Position in the chain, from 1, without gaps. */
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @UuidColumn({ nullable: true })
  reportId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  actorKind!: AuditActorKind;

  /** Account id, intake key id, or null (system, anonymous reporter). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  action!: AuditAction;

  /** Canonical JSON (sorted keys) exactly as hashed. */
  @Column({ type: 'text' })
  details!: string;

  @DateTimeColumn()
  at!: Date;

  @Column({ type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}

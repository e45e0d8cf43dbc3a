import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UpdatedAtColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

/**
 * One learner completing one module, counted for one campaign (the raw record rollups are
 * rebuilt from). The learner is a keyed hash of the pseudonymous id: it lets the school's
 * counters tell learners apart and never identifies a pupil; it never leaves the database.
 */
@Entity('coverage_delivery')
@Index('uq_coverage_delivery', ['campaignId', 'learnerHash', 'moduleId'], { unique: true })
// Covers the rebuild's per-learner count (ADR 0505): read in this order, the raw records need
// neither the table nor a hash of every learner; its prefix serves the per-school lookups.
@Index('idx_coverage_delivery_learner', [
  'campaignId',
  'schoolId',
  'band',
  'learnerHash',
  'moduleId',
])
export class DeliveryEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  campaignId!: string;

  @UuidColumn()
  schoolId!: string;

  @Column({ type: 'varchar', length: 16 })
  band!: string;

  @Column({ type: 'smallint', nullable: true })
  grade!: number | null;

  @Column({ type: 'varchar', length: 100 })
  moduleId!: string;

  @Column({ type: 'varchar', length: 64 })
  learnerHash!: string;

  @DateTimeColumn()
  completedAt!: Date;

  @Column({ type: 'smallint' })
  scorePercent!: number;
}

/** Distinct modules (online or offline) delivered to a band of a unit in a campaign. */
@Entity('coverage_school_module')
@Index('uq_coverage_school_module', ['campaignId', 'schoolId', 'band', 'moduleKey'], {
  unique: true,
})
export class SchoolModuleEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  campaignId!: string;

  @UuidColumn()
  schoolId!: string;

  @Column({ type: 'varchar', length: 16 })
  band!: string;

  /** A module id, or `topic:<topic>` for an offline session on a topic. */
  @Column({ type: 'varchar', length: 220 })
  moduleKey!: string;
}

/**
 * A session held without the LMS (assembly, class period, facility session), recorded by the
 * unit's admin: no names, only how many took part, and a short evidence note.
 */
@Entity('coverage_offline_session')
@Index('idx_coverage_offline_school', ['schoolId', 'heldOn'])
export class OfflineSessionEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  schoolId!: string;

  @Column({ type: 'varchar', length: 10 })
  heldOn!: string;

  @Column({ type: 'varchar', length: 16 })
  band!: string;

  @JsonColumn({ default: '[]' })
  grades!: number[];

  @Column({ type: 'varchar', length: 100, nullable: true })
  moduleId!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  topic!: string | null;

  @Column({ type: 'integer' })
  participants!: number;

  @Column({ type: 'varchar', length: 1000 })
  evidenceNote!: string;

  @UuidColumn({ nullable: true })
  recordedBy!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

/**
 * How many pupils a unit has in a band: declared by the school (wins), or counted from an LMS
 * class roster (NRPS) per context. Counts only; no pupil is listed.
 */
@Entity('coverage_enrolment')
@Index('uq_coverage_enrolment', ['schoolId', 'source', 'contextId', 'band'], { unique: true })
export class EnrolmentEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  schoolId!: string;

  @Column({ type: 'varchar', length: 8 })
  source!: 'declared' | 'roster';

  /** The LMS context (class) for roster counts; '' for declarations. */
  @Column({ type: 'varchar', length: 255, default: '' })
  contextId!: string;

  /** '' when a roster does not say its band (counted in no band). */
  @Column({ type: 'varchar', length: 16, default: '' })
  band!: string;

  @Column({ type: 'integer' })
  learners!: number;

  @UuidColumn({ nullable: true })
  updatedBy!: string | null;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

export type ReportState = 'submitted' | 'approved' | 'returned' | 'pending';

/**
 * A unit's period report (school: submitted with remarks and a snapshot of its figures) or a
 * node's approval (commune, province, ministry), one per campaign and org node.
 */
@Entity('coverage_report')
@Index('uq_coverage_report', ['campaignId', 'orgNodeId'], { unique: true })
export class ReportEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  campaignId!: string;

  @UuidColumn()
  orgNodeId!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'unit' | 'node';

  @Column({ type: 'varchar', length: 12 })
  status!: ReportState;

  @Column({ type: 'varchar', length: 2000, default: '' })
  remarks!: string;

  /** Figures at submission (aggregates of the unit; no pupil data). */
  @JsonColumn({ nullable: true })
  snapshot!: Record<string, unknown> | null;

  @DateTimeColumn({ nullable: true })
  submittedAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  onTime!: boolean;

  @DateTimeColumn({ nullable: true })
  approvedAt!: Date | null;

  @UuidColumn({ nullable: true })
  approvedBy!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  returnedReason!: string | null;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** Every step of the workflow and every grant: who, what, where, when, why. */
@Entity('coverage_audit')
@Index('idx_coverage_audit', ['campaignId', 'orgNodeId'])
export class AuditEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  campaignId!: string;

  @UuidColumn()
  orgNodeId!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: string;

  @UuidColumn({ nullable: true })
  actorAccountId!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

/** A reminder to one admin of a lagging unit (the outbox row the mail job sends). */
@Entity('coverage_reminder')
@Index('uq_coverage_reminder', ['campaignId', 'schoolId', 'accountId', 'slot'], { unique: true })
export class ReminderEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  campaignId!: string;

  @UuidColumn()
  schoolId!: string;

  @UuidColumn()
  accountId!: string;

  /** Which reminder (days before the due date) this is. */
  @Column({ type: 'integer' })
  slot!: number;

  @Column({ type: 'varchar', length: 8, default: 'pending' })
  status!: 'pending' | 'sent' | 'failed';

  @DateTimeColumn({ nullable: true })
  sentAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

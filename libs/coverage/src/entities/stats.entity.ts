import { JsonColumn, UpdatedAtColumn, UuidColumn, UuidPrimaryColumn } from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

export type SchoolStatus = 'not_started' | 'in_progress' | 'at_risk' | 'met';
export type ReportStatus = 'none' | 'submitted' | 'approved' | 'returned';

/**
 * One reporting unit (school or facility) in one campaign: raw counters moved by each
 * delivery (online reached/completed per band, distinct modules, offline participants),
 * enrolment, and the derived figures (reached, completed, status) that it contributes to
 * every node above it. `orgPath` is the path it is counted under: it follows moves while the
 * campaign is active and stays as it was once the campaign is closed.
 */
@Entity('coverage_school_stat')
@Index('uq_coverage_school_stat', ['campaignId', 'schoolId'], { unique: true })
@Index('idx_coverage_school_stat_parent', ['campaignId', 'parentId'])
export class SchoolStatEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  campaignId!: string;

  @UuidColumn()
  schoolId!: string;

  @UuidColumn({ nullable: true })
  parentId!: string | null;

  @Column({ type: 'varchar', length: 1000 })
  orgPath!: string;

  @Column({ type: 'varchar', length: 16 })
  unitType!: string;

  /** Bands the unit teaches (from its levels; facilities: every band). */
  @JsonColumn({ default: '[]' })
  bands!: string[];

  // early-primary
  @Column({ type: 'integer', default: 0 })
  enrolledEp!: number;

  @Column({ type: 'integer', default: 0 })
  onlineReachedEp!: number;

  @Column({ type: 'integer', default: 0 })
  onlineCompletedEp!: number;

  @Column({ type: 'integer', default: 0 })
  modulesEp!: number;

  @Column({ type: 'integer', default: 0 })
  offlineReachedEp!: number;

  @Column({ type: 'integer', default: 0 })
  reachedEp!: number;

  @Column({ type: 'integer', default: 0 })
  completedEp!: number;

  // upper-primary
  @Column({ type: 'integer', default: 0 })
  enrolledUp!: number;

  @Column({ type: 'integer', default: 0 })
  onlineReachedUp!: number;

  @Column({ type: 'integer', default: 0 })
  onlineCompletedUp!: number;

  @Column({ type: 'integer', default: 0 })
  modulesUp!: number;

  @Column({ type: 'integer', default: 0 })
  offlineReachedUp!: number;

  @Column({ type: 'integer', default: 0 })
  reachedUp!: number;

  @Column({ type: 'integer', default: 0 })
  completedUp!: number;

  // lower-secondary
  @Column({ type: 'integer', default: 0 })
  enrolledLs!: number;

  @Column({ type: 'integer', default: 0 })
  onlineReachedLs!: number;

  @Column({ type: 'integer', default: 0 })
  onlineCompletedLs!: number;

  @Column({ type: 'integer', default: 0 })
  modulesLs!: number;

  @Column({ type: 'integer', default: 0 })
  offlineReachedLs!: number;

  @Column({ type: 'integer', default: 0 })
  reachedLs!: number;

  @Column({ type: 'integer', default: 0 })
  completedLs!: number;

  // upper-secondary
  @Column({ type: 'integer', default: 0 })
  enrolledUs!: number;

  @Column({ type: 'integer', default: 0 })
  onlineReachedUs!: number;

  @Column({ type: 'integer', default: 0 })
  onlineCompletedUs!: number;

  @Column({ type: 'integer', default: 0 })
  modulesUs!: number;

  @Column({ type: 'integer', default: 0 })
  offlineReachedUs!: number;

  @Column({ type: 'integer', default: 0 })
  reachedUs!: number;

  @Column({ type: 'integer', default: 0 })
  completedUs!: number;

  @Column({ type: 'integer', default: 0 })
  completions!: number;

  @Column({ type: 'integer', default: 0 })
  offlineSessions!: number;

  @Column({ type: 'varchar', length: 12, default: 'not_started' })
  status!: SchoolStatus;

  /** 0–1: how far the unit is towards meeting every band's requirement. */
  @Column({ type: 'real', default: 0 })
  progress!: number;

  @Column({ type: 'varchar', length: 12, default: 'none' })
  reportStatus!: ReportStatus;

  @Column({ type: 'boolean', default: false })
  reportOnTime!: boolean;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/**
 * A node above the reporting units (commune, province, ministry) in one campaign: the sums of
 * what its units contribute, kept current by every delivery (so a national view is one row)
 * and recomputable from raw records by the rebuild command.
 */
@Entity('coverage_rollup')
@Index('uq_coverage_rollup', ['campaignId', 'nodeId'], { unique: true })
@Index('idx_coverage_rollup_parent', ['campaignId', 'parentId'])
export class RollupEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  campaignId!: string;

  @UuidColumn()
  nodeId!: string;

  @UuidColumn({ nullable: true })
  parentId!: string | null;

  @Column({ type: 'integer', default: 0 })
  depth!: number;

  /** Expected reporters (schools and facilities) below the node. */
  @Column({ type: 'integer', default: 0 })
  expected!: number;

  @Column({ type: 'integer', default: 0 })
  started!: number;

  @Column({ type: 'integer', default: 0 })
  atRisk!: number;

  @Column({ type: 'integer', default: 0 })
  met!: number;

  /** Reports received (submitted, whatever happened next). */
  @Column({ type: 'integer', default: 0 })
  received!: number;

  @Column({ type: 'integer', default: 0 })
  onTime!: number;

  @Column({ type: 'integer', default: 0 })
  approved!: number;

  @Column({ type: 'integer', default: 0 })
  completions!: number;

  @Column({ type: 'integer', default: 0 })
  offlineSessions!: number;

  @Column({ type: 'integer', default: 0 })
  enrolledEp!: number;

  @Column({ type: 'integer', default: 0 })
  reachedEp!: number;

  @Column({ type: 'integer', default: 0 })
  completedEp!: number;

  @Column({ type: 'integer', default: 0 })
  enrolledUp!: number;

  @Column({ type: 'integer', default: 0 })
  reachedUp!: number;

  @Column({ type: 'integer', default: 0 })
  completedUp!: number;

  @Column({ type: 'integer', default: 0 })
  enrolledLs!: number;

  @Column({ type: 'integer', default: 0 })
  reachedLs!: number;

  @Column({ type: 'integer', default: 0 })
  completedLs!: number;

  @Column({ type: 'integer', default: 0 })
  enrolledUs!: number;

  @Column({ type: 'integer', default: 0 })
  reachedUs!: number;

  @Column({ type: 'integer', default: 0 })
  completedUs!: number;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

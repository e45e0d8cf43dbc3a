import { CreatedAtColumn, JsonColumn, UuidColumn, UuidPrimaryColumn } from '@lib/core';
import { OrgType, SchoolLevel } from '@lib/orgs';
import { Column, Entity, Index } from 'typeorm';
import type { BandRequirement, PeriodKind } from '../campaigns.constants';

export type CampaignStatus = 'active' | 'closed';

/**
 * A demand that every school (or facility) of a subtree delivers online-safety lessons in a
 * period: defined at a ministry or province for some org types and levels, with requirements
 * per grade band, a due date and an entry lock date (days after the period ends), and the days
 * before the due date on which lagging schools are reminded.
 */
@Entity('campaign')
@Index('idx_campaign_scope', ['scopePath'])
export class CampaignEntity {
  @UuidPrimaryColumn()
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @UuidColumn()
  scopeNodeId!: string;

  /** The scope node's path when the campaign was defined (its subtree is the campaign's). */
  @Column({ type: 'varchar', length: 1000 })
  scopePath!: string;

  @Column({ type: 'varchar', length: 16 })
  periodKind!: PeriodKind;

  /** First and last day of the period (ISO dates, inclusive). */
  @Column({ type: 'varchar', length: 10 })
  periodStart!: string;

  @Column({ type: 'varchar', length: 10 })
  periodEnd!: string;

  @JsonColumn()
  orgTypes!: OrgType[];

  /** Schools must teach one of these levels; empty = every level. */
  @JsonColumn({ default: '[]' })
  levels!: SchoolLevel[];

  @JsonColumn()
  requirements!: BandRequirement[];

  /** Reports are on time until the end of periodEnd + dueDays. */
  @Column({ type: 'integer' })
  dueDays!: number;

  /** Entry closes at the end of periodEnd + lockDays, except where an exception is granted. */
  @Column({ type: 'integer' })
  lockDays!: number;

  /** Days before the due date on which lagging schools' admins are reminded. */
  @JsonColumn({ default: '[]' })
  reminderDays!: number[];

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: CampaignStatus;

  @UuidColumn({ nullable: true })
  createdBy!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

/** Entry kept open for a subtree after the lock date, granted from above. */
@Entity('campaign_lock_exception')
@Index('idx_campaign_lock_exception', ['campaignId'])
export class CampaignLockExceptionEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  campaignId!: string;

  @UuidColumn()
  orgNodeId!: string;

  @Column({ type: 'varchar', length: 1000 })
  orgPath!: string;

  /** Last day entry stays open (inclusive). */
  @Column({ type: 'varchar', length: 10 })
  until!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @UuidColumn({ nullable: true })
  grantedBy!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

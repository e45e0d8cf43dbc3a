import { CreatedAtColumn, DateTimeColumn, UuidColumn, UuidPrimaryColumn } from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

/** What a notification row is about. */
export type ConcernNotificationKind = 'lead' | 'reporter' | 'unassigned';

/** `pending` → `sending` (claimed by one run) → `sent`, or `failed` when retrying cannot help. */
export type ConcernNotificationStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * One e-mail the concern channel owes somebody (a lead told a report arrived, a reporter told the
 * outcome, a school admin told nobody is named lead). The row, not the queue, says whether it
 * went out: a job that runs again — a retry after a later failure, a duplicate wake-up, a second
 * worker — finds it `sent` (or claimed) and sends nothing. Holds ids only, never an address.
 */
@Entity('concern_notification')
@Index('idx_concern_notification_report', ['reportId'])
export class ConcernNotificationEntity {
  @UuidPrimaryColumn()
  id!: string;

  /** `lead:<report>:<level>:<account>`, `reporter:<report>:<outcome version>`, … */
  @Index('uq_concern_notification_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  dedupeKey!: string;

  @UuidColumn()
  reportId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: ConcernNotificationKind;

  /** The account told (lead or admin); null for the reporter. */
  @UuidColumn({ nullable: true })
  accountId!: string | null;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status!: ConcernNotificationStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @DateTimeColumn({ nullable: true })
  claimedAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  sentAt!: Date | null;

  /** The audit entry for the sending is written (separately, so its failure never resends). */
  @Column({ type: 'boolean', default: false })
  audited!: boolean;

  @CreatedAtColumn()
  createdAt!: Date;
}

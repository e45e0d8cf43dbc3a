import { Column, Entity, Index } from 'typeorm';
import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UpdatedAtColumn,
  UuidPrimaryColumn,
} from '../database/columns';

/** Ids and small scalars only: handlers reload the rows they name. */
export type JobPayload = Record<string, string | number | boolean | null>;

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

/**
 * The outbox: one row per job. The row is the truth; the Bull/inline message is only a
 * wake-up carrying this row's id, so a lost message (Redis flushed, worker killed) is found
 * again by the sweeper and a duplicate message finds the row already claimed or done.
 */
@Entity('job')
@Index('idx_job_status_run_at', ['status', 'runAt'])
export class JobEntity {
  @UuidPrimaryColumn()
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Ids only (e.g. `{ deliveryId }`); handlers reload the rows. */
  @JsonColumn()
  payload!: JobPayload;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: JobStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', default: 8 })
  maxAttempts!: number;

  @DateTimeColumn()
  runAt!: Date;

  @DateTimeColumn({ nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  /** Makes enqueueing idempotent: a second enqueue with the same key returns the first job. */
  @Index('uq_job_dedupe_key', { unique: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  dedupeKey!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  correlationId!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;

  @DateTimeColumn({ nullable: true })
  finishedAt!: Date | null;
}

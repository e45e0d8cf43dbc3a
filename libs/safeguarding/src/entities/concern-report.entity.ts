import { DateTimeColumn, UpdatedAtColumn, UuidColumn, UuidPrimaryColumn } from '@lib/core';
import { Column, Entity, Index } from 'typeorm';
import type {
  AgeBand,
  ConcernCategory,
  ConcernSource,
  ConcernState,
  ContactMethod,
  ReferralTarget,
} from '../safeguarding.constants';

/**
 * One concern report. Everything a reporter wrote (what happened, where, who, their name) and
 * how to reach them is encrypted with the report id as associated data; the clear columns are
 * what triage, SLA timers and aggregates need (school, category, danger flag, state, dates).
 * Erasure nulls the encrypted columns and keeps the skeleton so the counts above school level
 * and the audit trail stay whole.
 */
@Entity('concern_report')
@Index('idx_concern_report_school_state', ['schoolOrgNodeId', 'state'])
@Index('idx_concern_report_state_due', ['state', 'dueAt'])
export class ConcernReportEntity {
  @UuidPrimaryColumn()
  id!: string;

  /** The pupil's school or child-protection facility (org node). */
  @UuidColumn()
  schoolOrgNodeId!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: ConcernSource;

  @Column({ type: 'varchar', length: 16 })
  category!: ConcernCategory;

  /** The reporter said the child is in danger now: first in the queue, escalates in minutes. */
  @Column({ type: 'boolean', default: false })
  imminentDanger!: boolean;

  @Column({ type: 'varchar', length: 16 })
  state!: ConcernState;

  @Column({ type: 'varchar', length: 16, nullable: true })
  referredTo!: ReferralTarget | null;

  /** Age band of the form the pupil used (from the launch), null for the general form. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  ageBand!: AgeBand | null;

  /** Language of the reporter, for the outcome message. */
  @Column({ type: 'varchar', length: 2 })
  lang!: 'vi' | 'en';

  /** How the reporter asked to be contacted (`none` = anonymous, no contact). */
  @Column({ type: 'varchar', length: 16 })
  contactMethod!: ContactMethod;

  /** AES-GCM JSON of {@link ConcernDetails}; null once erased. */
  @Column({ type: 'text', nullable: true })
  detailsEncrypted!: string | null;

  /** AES-GCM JSON of {@link ConcernContact}; null when anonymous or erased. */
  @Column({ type: 'text', nullable: true })
  contactEncrypted!: string | null;

  /** What the lead wants the reporter to hear back (encrypted). */
  @Column({ type: 'text', nullable: true })
  outcomeEncrypted!: string | null;

  /** Blind index of the reporter's reference code (to check the status without signing in). */
  @Index('uq_concern_report_reference', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  referenceIndex!: string | null;

  /** Blind index of `web:<form token>` or `api:<key id>:<caller's report id>`: replays return the same report. */
  @Index('uq_concern_report_idempotency', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  idempotencyIndex!: string | null;

  /** Blind index of the API request body, to tell a replay from a conflicting reuse of an id. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestIndex!: string | null;

  @UuidColumn({ nullable: true })
  intakeKeyId!: string | null;

  @DateTimeColumn()
  receivedAt!: Date;

  /** First triage deadline (kept for "handled within time"). */
  @DateTimeColumn()
  slaDueAt!: Date;

  /** Current deadline for acknowledgement (moves when the report escalates). */
  @DateTimeColumn()
  dueAt!: Date;

  @Column({ type: 'integer', default: 0 })
  escalationLevel!: number;

  /** The org node above the school whose leads now also hold the report; null at school level. */
  @Index('idx_concern_report_escalated')
  @UuidColumn({ nullable: true })
  escalatedToOrgNodeId!: string | null;

  @DateTimeColumn({ nullable: true })
  escalatedAt!: Date | null;

  /** No node above has a safeguarding lead: nobody further to escalate to. */
  @Column({ type: 'boolean', default: false })
  escalationExhausted!: boolean;

  @DateTimeColumn({ nullable: true })
  acknowledgedAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  referredAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  closedAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  outcomeNotifiedAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  erasedAt!: Date | null;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** What the reporter told (stored encrypted as one JSON value). */
export interface ConcernDetails {
  description: string;
  platform: string;
  url: string;
  when: string;
  involved: string;
  relation: string;
  /** The code the reporter got, so the lead can match a phone call to the report. */
  reference: string;
  /** A pupil who asked to be contacted at school: their name as they wrote it / the LMS name. */
  reporterName?: string;
  /** Pseudonymous SafeNest user id of a pupil who asked to be contacted (never otherwise). */
  learnerId?: string;
  /** Intake API: the service's name and its own reference for the pupil. */
  serviceName?: string;
  pupilReference?: string;
}

/** How to reach the reporter (stored encrypted). */
export interface ConcernContact {
  email?: string;
  phone?: string;
  note?: string;
}

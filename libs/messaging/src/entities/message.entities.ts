import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UpdatedAtColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

export type MessageKind =
  'announcement' | 'thread_post' | 'family_note' | 'progress_digest' | 'daily_digest';
export type AudienceType = 'school' | 'grade' | 'class' | 'thread' | 'student' | 'parent';
export type MessageStatus = 'scheduled' | 'sending' | 'sent' | 'cancelled';

/** Ids and small facts templates need; never personal data beyond ids and scores. */
export interface MessageData {
  /** thread_post: the post to show. */
  postId?: string;
  /** family_note: the module. */
  moduleId?: string;
  /** daily_digest: the messages it summarises, and its day. */
  messageIds?: string[];
  day?: string;
  /** progress_digest: the week (Monday) and the modules completed. */
  week?: string;
  items?: { moduleId: string; scorePercent: number; passed: boolean }[];
}

/**
 * One message of a school to parents. Announcements carry their text (one or both languages);
 * thread posts, family notes and digests carry ids in `data` and are rendered from them.
 * Written with its recipient rows and batches in one transaction (the outbox).
 */
@Entity('msg_message')
@Index('idx_msg_message_school', ['schoolOrgNodeId', 'createdAt'])
export class MessageEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  schoolOrgNodeId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: MessageKind;

  @Column({ type: 'varchar', length: 8 })
  audienceType!: AudienceType;

  @Column({ type: 'integer', nullable: true })
  audienceGrade!: number | null;

  @UuidColumn({ nullable: true })
  audienceClassId!: string | null;

  @UuidColumn({ nullable: true })
  threadId!: string | null;

  @UuidColumn({ nullable: true })
  studentId!: string | null;

  /** Digests: the one parent they are for. */
  @Index('idx_msg_message_parent')
  @UuidColumn({ nullable: true })
  audienceParentId!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  subjectVi!: string | null;

  @Column({ type: 'text', nullable: true })
  bodyVi!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  subjectEn!: string | null;

  @Column({ type: 'text', nullable: true })
  bodyEn!: string | null;

  /** Ids and small facts the templates need (module id, week, digest items). */
  @JsonColumn({ nullable: true })
  data!: MessageData | null;

  /** Overrides quiet hours, digests and "off" (never consent). */
  @Column({ type: 'boolean', default: false })
  urgent!: boolean;

  @DateTimeColumn({ nullable: true })
  scheduledAt!: Date | null;

  @Column({ type: 'varchar', length: 10 })
  status!: MessageStatus;

  @Column({ type: 'varchar', length: 8 })
  authorType!: 'account' | 'teacher' | 'system';

  @Column({ type: 'varchar', length: 64, nullable: true })
  authorId!: string | null;

  /** Staff name as shown to parents (a teacher or the school), never a pupil's. */
  @Column({ type: 'varchar', length: 200, default: '' })
  authorName!: string;

  @Column({ type: 'integer', default: 0 })
  recipientCount!: number;

  /** One family note per class and module, one digest per parent and day, etc. */
  @Index('uq_msg_message_dedupe', { unique: true })
  @Column({ type: 'varchar', length: 200, nullable: true })
  dedupeKey!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @DateTimeColumn({ nullable: true })
  sentAt!: Date | null;
}

/**
 * pending: not delivered yet. sent: handed to the channel (for e-mail, committed *before* the
 * end-of-data dot, see ADR 0601). sending: SMS/Zalo request in flight (claim with expiry).
 * held: waits for the parent's daily digest. digested: went out inside a digest. inbox: inbox
 * only (mode off, muted thread, no usable contact). skipped: not allowed (no consent, erased).
 * failed / bounced: the channel refused it.
 */
export type RecipientStatus =
  'pending' | 'sending' | 'sent' | 'held' | 'digested' | 'inbox' | 'skipped' | 'failed' | 'bounced';

/** One parent of one message: delivery state per channel and the read receipt. */
@Entity('msg_recipient')
@Index('uq_msg_recipient', ['messageId', 'parentId'], { unique: true })
@Index('idx_msg_recipient_batch', ['messageId', 'batchNo', 'status'])
@Index('idx_msg_recipient_parent', ['parentId', 'status'])
export class RecipientEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  messageId!: string;

  @UuidColumn()
  parentId!: string;

  @Column({ type: 'integer' })
  batchNo!: number;

  @Column({ type: 'varchar', length: 8 })
  status!: RecipientStatus;

  @Column({ type: 'varchar', length: 8, nullable: true })
  channel!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @DateTimeColumn({ nullable: true })
  nextAttemptAt!: Date | null;

  /** The delivery run that claimed the row (`sending`) and until when; then another may. */
  @UuidColumn({ nullable: true })
  claimToken!: string | null;

  @DateTimeColumn({ nullable: true })
  claimUntil!: Date | null;

  @DateTimeColumn({ nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  providerRef!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  lastError!: string | null;

  @DateTimeColumn({ nullable: true })
  readAt!: Date | null;

  /** The digest message that carried it. */
  @UuidColumn({ nullable: true })
  digestMessageId!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

/** A slice of a message's recipients delivered by one job; the lease lets another worker take over a dead one's. */
@Entity('msg_batch')
@Index('uq_msg_batch', ['messageId', 'batchNo'], { unique: true })
@Index('idx_msg_batch_status', ['status', 'leaseUntil'])
export class BatchEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  messageId!: string;

  @Column({ type: 'integer' })
  batchNo!: number;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ type: 'varchar', length: 8, default: 'queued' })
  status!: 'queued' | 'running' | 'done';

  @DateTimeColumn({ nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'integer', default: 0 })
  runs!: number;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

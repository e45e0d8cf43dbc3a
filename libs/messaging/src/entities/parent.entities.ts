import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UpdatedAtColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

export type ParentMode = 'instant' | 'digest' | 'off';
export type ParentChannel = 'email' | 'sms' | 'zalo' | 'inbox';
export type ParentStatus = 'active' | 'erased';

/**
 * A parent or guardian. Not a local account: they sign in by magic link. The name is
 * encrypted (associated data: the row id); everything else is a preference.
 */
@Entity('msg_parent')
export class ParentEntity {
  @UuidPrimaryColumn()
  id!: string;

  @Column({ type: 'text', nullable: true })
  nameEncrypted!: string | null;

  @Column({ type: 'varchar', length: 2, default: 'vi' })
  lang!: 'vi' | 'en';

  /** instant: each message as it comes; digest: one summary a day; off: inbox only. */
  @Column({ type: 'varchar', length: 8, default: 'instant' })
  mode!: ParentMode;

  @Column({ type: 'varchar', length: 8, default: 'email' })
  channel!: ParentChannel;

  /** Local hour (Asia/Ho_Chi_Minh) of the daily digest. */
  @Column({ type: 'integer', default: 18 })
  digestHour!: number;

  @Column({ type: 'varchar', length: 8, default: 'active' })
  status!: ParentStatus;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;

  @DateTimeColumn({ nullable: true })
  erasedAt!: Date | null;
}

export type ContactKind = 'email' | 'phone' | 'zalo';
export type ContactStatus = 'active' | 'bounced' | 'invalid' | 'stopped';

/**
 * One way to reach a parent. The value is encrypted with the row id as associated data; the
 * blind index (HMAC of the normalised value, per kind) finds it for sign-in and STOP replies.
 */
@Entity('msg_contact')
@Index('uq_msg_contact_value', ['kind', 'valueIndex'], { unique: true })
@Index('uq_msg_contact_parent_kind', ['parentId', 'kind'], { unique: true })
export class ContactEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  parentId!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: ContactKind;

  @Column({ type: 'text' })
  valueEncrypted!: string;

  @Column({ type: 'varchar', length: 64 })
  valueIndex!: string;

  /** bounced (e-mail 5xx), invalid (number refused), stopped (SMS STOP): not used for sending. */
  @Column({ type: 'varchar', length: 8, default: 'active' })
  status!: ContactStatus;

  @Column({ type: 'varchar', length: 300, nullable: true })
  statusReason!: string | null;

  @DateTimeColumn({ nullable: true })
  statusAt!: Date | null;

  /** Set when a magic link sent to this contact was used: only verified contacts get messages. */
  @DateTimeColumn({ nullable: true })
  verifiedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

export type LinkRelation = 'mother' | 'father' | 'guardian' | 'other';

/** A parent's child: a pseudonymous LTI user in a school, optionally in a class. */
@Entity('msg_student_link')
@Index('uq_msg_student_link', ['parentId', 'studentId'], { unique: true })
@Index('idx_msg_student_link_school', ['schoolOrgNodeId', 'classId'])
export class StudentLinkEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  parentId!: string;

  @Index('idx_msg_student_link_student')
  @UuidColumn()
  studentId!: string;

  @UuidColumn()
  schoolOrgNodeId!: string;

  @UuidColumn({ nullable: true })
  classId!: string | null;

  @Column({ type: 'varchar', length: 10, default: 'guardian' })
  relation!: LinkRelation;

  @Column({ type: 'varchar', length: 8 })
  source!: 'invite' | 'import';

  @CreatedAtColumn()
  createdAt!: Date;
}

/**
 * A per-student code a teacher prints or sends; a parent who types it becomes linked to that
 * child. Several guardians may use one code (maxUses). Stored encrypted (to reprint) and as a
 * blind index (to redeem).
 */
@Entity('msg_invite_code')
@Index('idx_msg_invite_code_class', ['classId', 'studentId'])
export class InviteCodeEntity {
  @UuidPrimaryColumn()
  id!: string;

  @Index('uq_msg_invite_code_index', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  codeIndex!: string;

  @Column({ type: 'text' })
  codeEncrypted!: string;

  @UuidColumn()
  studentId!: string;

  @UuidColumn()
  classId!: string;

  @UuidColumn()
  schoolOrgNodeId!: string;

  @UuidColumn()
  createdBy!: string;

  @DateTimeColumn()
  expiresAt!: Date;

  @Column({ type: 'integer', default: 0 })
  uses!: number;

  @Column({ type: 'integer', default: 4 })
  maxUses!: number;

  @DateTimeColumn({ nullable: true })
  revokedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

export type ConsentPurpose = 'messages' | 'progress';

/**
 * One consent (Law 91/2025): who (parent) agreed, for which child and purpose, to which text
 * version, when, how — and when it was withdrawn. A new grant after a withdrawal is a new row,
 * so the history is never rewritten.
 */
@Entity('msg_consent')
@Index('idx_msg_consent_parent', ['parentId', 'purpose', 'withdrawnAt'])
@Index('idx_msg_consent_student', ['studentId', 'purpose'])
export class ConsentEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  parentId!: string;

  @UuidColumn()
  studentId!: string;

  @Column({ type: 'varchar', length: 10 })
  purpose!: ConsentPurpose;

  /** Version of the consent text shown (see consent.text.ts). */
  @Column({ type: 'varchar', length: 16 })
  textVersion!: string;

  @Column({ type: 'varchar', length: 2 })
  textLang!: 'vi' | 'en';

  /** web (the parent ticked it), school_import (paper form held by the school). */
  @Column({ type: 'varchar', length: 16 })
  grantedVia!: 'web' | 'school_import';

  /** Who recorded it: the parent, or the school account that imported the paper form. */
  @UuidColumn({ nullable: true })
  recordedBy!: string | null;

  @DateTimeColumn()
  grantedAt!: Date;

  @DateTimeColumn({ nullable: true })
  withdrawnAt!: Date | null;
}

/** Every change to a parent's data, consents, links and contacts. Ids only, no personal data. */
@Entity('msg_audit')
@Index('idx_msg_audit_parent', ['parentId', 'at'])
export class MessagingAuditEntity {
  @UuidPrimaryColumn()
  id!: string;

  @DateTimeColumn()
  at!: Date;

  @Column({ type: 'varchar', length: 10 })
  actorType!: 'parent' | 'account' | 'teacher' | 'system' | 'gateway';

  @Column({ type: 'varchar', length: 64, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 48 })
  action!: string;

  @UuidColumn({ nullable: true })
  parentId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  subjectId!: string | null;

  @JsonColumn({ nullable: true })
  details!: Record<string, string | number | boolean | null> | null;
}

/** A sign-in link. Only the SHA-256 of the token is stored; single use, short-lived. */
@Entity('msg_magic_link')
export class MagicLinkEntity {
  @Column({ type: 'varchar', length: 64, primary: true })
  tokenHash!: string;

  @UuidColumn()
  parentId!: string;

  @UuidColumn()
  contactId!: string;

  @DateTimeColumn()
  expiresAt!: Date;

  @DateTimeColumn({ nullable: true })
  usedAt!: Date | null;

  /** Published demo link (DEMO_SEED only): reusable, refused when the demo is off. */
  @Column({ type: 'boolean', default: false })
  demo!: boolean;

  @CreatedAtColumn()
  createdAt!: Date;
}

/** A parent's browser session; only the SHA-256 of the cookie token is stored. */
@Entity('msg_parent_session')
export class ParentSessionEntity {
  @Column({ type: 'varchar', length: 64, primary: true })
  tokenHash!: string;

  @Index('idx_msg_parent_session_parent')
  @UuidColumn()
  parentId!: string;

  @DateTimeColumn()
  expiresAt!: Date;

  @CreatedAtColumn()
  createdAt!: Date;
}

import { Column, Entity, Index } from 'typeorm';
import {
  CreatedAtColumn,
  DateTimeColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '../database/columns';

/** A person who signs in with e-mail and password (officials, school admins who prefer it). */
@Entity('account')
export class AccountEntity {
  @UuidPrimaryColumn()
  id!: string;

  /** Blind index of the normalised e-mail, for lookup; the address itself is encrypted. */
  @Index('uq_account_email_index', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  emailIndex!: string;

  @Column({ type: 'text' })
  emailEncrypted!: string;

  @Column({ type: 'varchar', length: 200 })
  displayName!: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: 'active' | 'disabled';

  @Column({ type: 'integer', default: 0 })
  failedLogins!: number;

  @DateTimeColumn({ nullable: true })
  lockedUntil!: Date | null;

  @DateTimeColumn({ nullable: true })
  lastLoginAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

/** Server-side session; only the SHA-256 of the cookie token is stored. */
@Entity('auth_session')
export class SessionEntity {
  @Column({ type: 'varchar', length: 64, primary: true })
  tokenHash!: string;

  @Index('idx_auth_session_account')
  @UuidColumn()
  accountId!: string;

  @DateTimeColumn()
  expiresAt!: Date;

  @CreatedAtColumn()
  createdAt!: Date;
}

export enum Role {
  /** Operates the installation: every node, every setting. */
  SYSTEM_ADMIN = 'system_admin',
  /** Commune, province or ministry official: aggregates of the subtree, approvals. */
  OFFICIAL = 'official',
  /** Runs a school or facility: its classes, reports, parent channel. */
  SCHOOL_ADMIN = 'school_admin',
  /** Reads and handles concern reports of the school. */
  SAFEGUARDING_LEAD = 'safeguarding_lead',
  TEACHER = 'teacher',
}

/** A role held at an org node; it reaches that node and everything below it. */
@Entity('role_binding')
@Index('uq_role_binding', ['accountId', 'orgNodeId', 'role'], { unique: true })
export class RoleBindingEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  accountId!: string;

  @UuidColumn()
  orgNodeId!: string;

  @Column({ type: 'varchar', length: 32 })
  role!: Role;

  @CreatedAtColumn()
  createdAt!: Date;
}

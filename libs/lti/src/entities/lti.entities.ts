import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UpdatedAtColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A deployment of the tool in a platform (LTI `deployment_id`), bound to an org node: a school,
 * or a higher node whose launches name their school with the custom `school_code`. Unbound
 * (`orgNodeId` null) deployments still launch; their activity waits in the "unassigned" bucket.
 */
@Entity('lti_deployment')
@Index('uq_lti_deployment', ['platformId', 'deploymentId'], { unique: true })
export class LtiDeploymentEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  platformId!: string;

  @Column({ type: 'varchar', length: 255 })
  deploymentId!: string;

  @Index('idx_lti_deployment_org')
  @UuidColumn({ nullable: true })
  orgNodeId!: string | null;

  @DateTimeColumn({ nullable: true })
  lastLaunchAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** One OIDC login: binds the state (and its cookie) to the nonce sent to the platform. */
@Entity('lti_login')
export class LtiLoginEntity {
  @Column({ type: 'varchar', length: 64, primary: true })
  state!: string;

  @Column({ type: 'varchar', length: 64 })
  nonce!: string;

  @UuidColumn()
  platformId!: string;

  /** The platform's frame name for the LTI platform-storage API, when it offered one. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  storageTarget!: string | null;

  /** The login request's parameters, to restart it in a new window when cookies are blocked. */
  @JsonColumn({ nullable: true })
  params!: Record<string, string> | null;

  @Index('idx_lti_login_expires')
  @DateTimeColumn()
  expiresAt!: Date;

  @DateTimeColumn({ nullable: true })
  usedAt!: Date | null;
}

/** A pseudonymous person: platform + `sub`. No e-mail is ever stored. */
@Entity('lti_user')
@Index('uq_lti_user', ['platformId', 'sub'], { unique: true })
export class LtiUserEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  platformId!: string;

  @Column({ type: 'varchar', length: 255 })
  sub!: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  displayName!: string;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** A class (LTI context) in a platform, with the school it belongs to (null: unassigned). */
@Entity('lti_context')
@Index('uq_lti_context', ['platformId', 'contextId'], { unique: true })
export class LtiContextEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  platformId!: string;

  @UuidColumn()
  deploymentRowId!: string;

  @Column({ type: 'varchar', length: 255 })
  contextId!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  label!: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  title!: string;

  @Index('idx_lti_context_org')
  @UuidColumn({ nullable: true })
  orgNodeId!: string | null;

  /** NRPS context_memberships_url, from the latest launch. */
  @Column({ type: 'text', nullable: true })
  membershipsUrl!: string | null;

  /** A launch whose platform and services can be used for roster sync. */
  @UuidColumn({ nullable: true })
  serviceLaunchId!: string | null;

  @DateTimeColumn({ nullable: true })
  rosterSyncedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** Who is in a class with which role: from launches and from NRPS roster syncs. */
@Entity('lti_enrolment')
@Index('uq_lti_enrolment', ['contextRowId', 'userId'], { unique: true })
export class LtiEnrolmentEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  contextRowId!: string;

  @UuidColumn()
  userId!: string;

  /** Short LIS role names (Learner, Instructor, …). */
  @JsonColumn()
  roles!: string[];

  @Column({ type: 'boolean', default: false })
  learner!: boolean;

  @Column({ type: 'boolean', default: false })
  instructor!: boolean;

  /** NRPS status: Active, Inactive or Deleted. */
  @Column({ type: 'varchar', length: 16, default: 'Active' })
  status!: string;

  @DateTimeColumn({ nullable: true })
  lastLaunchAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  rosterSeenAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** A resource link (an activity in a class) and the AGS line item scores go to. */
@Entity('lti_resource_link')
@Index('uq_lti_resource_link', ['contextRowId', 'resourceLinkId'], { unique: true })
export class LtiResourceLinkEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  contextRowId!: string;

  @Column({ type: 'varchar', length: 255 })
  resourceLinkId!: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  title!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  moduleId!: string | null;

  @Column({ type: 'text', nullable: true })
  lineItemUrl!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/**
 * One validated launch: everything the rest of the session needs, so pages never depend on
 * cookies (blocked third-party cookies, two tabs of two courses). The signed token `lt`
 * names this row; AGS/NRPS calls read their endpoints from it long after the id_token expired.
 */
@Entity('lti_launch')
export class LtiLaunchEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  platformId!: string;

  @UuidColumn()
  deploymentRowId!: string;

  @UuidColumn({ nullable: true })
  orgNodeId!: string | null;

  @UuidColumn({ nullable: true })
  contextRowId!: string | null;

  @Index('idx_lti_launch_user')
  @UuidColumn()
  userId!: string;

  @Column({ type: 'varchar', length: 40 })
  messageType!: string;

  @JsonColumn()
  roles!: string[];

  @Column({ type: 'boolean', default: false })
  learner!: boolean;

  @Column({ type: 'boolean', default: false })
  instructor!: boolean;

  @Column({ type: 'boolean', default: false })
  admin!: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  resourceLinkId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  moduleId!: string | null;

  @Column({ type: 'text', nullable: true })
  agsLineItem!: string | null;

  @Column({ type: 'text', nullable: true })
  agsLineItems!: string | null;

  @JsonColumn({ nullable: true })
  agsScopes!: string[] | null;

  @Column({ type: 'text', nullable: true })
  nrpsUrl!: string | null;

  @Column({ type: 'varchar', length: 2, default: 'vi' })
  locale!: 'vi' | 'en';

  @Column({ type: 'text', nullable: true })
  returnUrl!: string | null;

  /** Deep-linking settings (return URL, accepted types, data) of a deep-linking request. */
  @JsonColumn({ nullable: true })
  deepLinking!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 200, default: '' })
  platformName!: string;

  @CreatedAtColumn()
  createdAt!: Date;

  @Index('idx_lti_launch_expires')
  @DateTimeColumn()
  expiresAt!: Date;
}

export type ScoreDeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * The outbox row of one graded attempt: written in the grading transaction, posted to the
 * platform by the `lti.ags-score` job, exactly one per attempt.
 */
@Entity('score_delivery')
@Index('idx_score_delivery_context', ['contextRowId', 'status'])
export class ScoreDeliveryEntity {
  @UuidPrimaryColumn()
  id!: string;

  @Index('uq_score_delivery_attempt', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  attemptId!: string;

  /** Indexed for the launch clean-up, which keeps launches an undelivered score still needs. */
  @Index('idx_score_delivery_launch')
  @UuidColumn()
  launchId!: string;

  @UuidColumn({ nullable: true })
  contextRowId!: string | null;

  @UuidColumn()
  userId!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  moduleId!: string | null;

  @Column({ type: 'float' })
  scoreGiven!: number;

  @Column({ type: 'float' })
  scoreMaximum!: number;

  @Column({ type: 'varchar', length: 20 })
  activityProgress!: string;

  @Column({ type: 'varchar', length: 20 })
  gradingProgress!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  comment!: string | null;

  /** The score's own timestamp, fixed when recorded so every retry sends the same one. */
  @DateTimeColumn()
  timestamp!: Date;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: ScoreDeliveryStatus;

  @Column({ type: 'text', nullable: true })
  lineItemUrl!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  @UuidColumn({ nullable: true })
  jobId!: string | null;

  @DateTimeColumn({ nullable: true })
  deliveredAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/**
 * A tool public key replaced by a key rotation, still published in our JWKS until `expiresAt`
 * so platforms holding a cached copy of the JWKS (or a token signed just before the rotation)
 * keep verifying. Public keys only: nothing secret is kept here.
 */
@Entity('lti_retired_key')
export class LtiRetiredKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @UuidColumn()
  platformId!: string;

  /** The public key as a JWK (kty, n, e). */
  @JsonColumn()
  jwk!: Record<string, unknown>;

  @DateTimeColumn()
  retiredAt!: Date;

  @Index('idx_lti_retired_key_expires')
  @DateTimeColumn()
  expiresAt!: Date;
}

export const LTI_DOMAIN_ENTITIES = [
  LtiRetiredKeyEntity,
  LtiDeploymentEntity,
  LtiLoginEntity,
  LtiUserEntity,
  LtiContextEntity,
  LtiEnrolmentEntity,
  LtiResourceLinkEntity,
  LtiLaunchEntity,
  ScoreDeliveryEntity,
];

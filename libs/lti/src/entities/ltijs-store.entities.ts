import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UpdatedAtColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

/*
 * One table per ltijs collection (see store/ltijs-typeorm.store.ts). Fields that ltijs queries
 * by are real columns (indexed); the whole document is kept in `doc`, or encrypted in `iv` +
 * `data` for the key and token collections. `expiresAt` implements ltijs's lifetimes.
 */

/** ltijs `platform`: one LMS registration (issuer + client id), plus SafeNest's own columns. */
@Entity('lti_platform')
@Index('uq_lti_platform_url_client', ['platformUrl', 'clientId'], { unique: true })
export class LtiPlatformEntity {
  /** SafeNest's stable id for the registration (the ltijs `kid` changes on key rotation). */
  @UuidPrimaryColumn()
  id!: string;

  @Column({ type: 'varchar', length: 500 })
  platformUrl!: string;

  @Column({ type: 'varchar', length: 255 })
  clientId!: string;

  @Index('uq_lti_platform_kid', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  kid!: string;

  @JsonColumn({ nullable: true })
  doc!: Record<string, unknown> | null;

  /** `dynamic`, `manual` or `sandbox`. */
  @Column({ type: 'varchar', length: 16, default: 'manual' })
  registeredVia!: string;

  /** Register unknown deployment ids on first launch (platforms whose registration names none). */
  @Column({ type: 'boolean', default: false })
  acceptNewDeployments!: boolean;

  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** ltijs `platformStatus`: `{ id: kid, active }`. */
@Entity('lti_platform_status')
export class LtiPlatformStatusEntity {
  @UuidPrimaryColumn()
  rowId!: string;

  @Index('uq_lti_platform_status_id', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  id!: string;

  @JsonColumn({ nullable: true })
  doc!: Record<string, unknown> | null;

  @DateTimeColumn()
  createdAt!: Date;

  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;
}

abstract class EncryptedKeyColumns {
  @UuidPrimaryColumn()
  rowId!: string;

  @Column({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  platformUrl!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  clientId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  iv!: string;

  @Column({ type: 'text' })
  data!: string;

  @JsonColumn({ nullable: true })
  doc!: Record<string, unknown> | null;

  @DateTimeColumn()
  createdAt!: Date;

  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;
}

/** ltijs `publickey` (encrypted): the tool's public key for one platform. */
@Entity('lti_public_key')
@Index('uq_lti_public_key_kid', ['kid'], { unique: true })
@Index('idx_lti_public_key_platform', ['platformUrl', 'clientId'])
export class LtiPublicKeyEntity extends EncryptedKeyColumns {}

/** ltijs `privatekey` (encrypted): the tool's private key for one platform. */
@Entity('lti_private_key')
@Index('uq_lti_private_key_kid', ['kid'], { unique: true })
@Index('idx_lti_private_key_platform', ['platformUrl', 'clientId'])
export class LtiPrivateKeyEntity extends EncryptedKeyColumns {}

/** ltijs `accesstoken` (encrypted, 1 h): OAuth2 tokens for AGS/NRPS calls, per scope set. */
@Entity('lti_access_token')
@Index('uq_lti_access_token', ['platformUrl', 'clientId', 'scopes'], { unique: true })
export class LtiAccessTokenEntity {
  @UuidPrimaryColumn()
  rowId!: string;

  @Column({ type: 'varchar', length: 500 })
  platformUrl!: string;

  @Column({ type: 'varchar', length: 255 })
  clientId!: string;

  @Column({ type: 'varchar', length: 1000 })
  scopes!: string;

  @Column({ type: 'varchar', length: 64 })
  iv!: string;

  @Column({ type: 'text' })
  data!: string;

  @JsonColumn({ nullable: true })
  doc!: Record<string, unknown> | null;

  @DateTimeColumn()
  createdAt!: Date;

  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;
}

/** ltijs `nonce` (10 s). */
@Entity('lti_nonce')
export class LtiNonceEntity {
  @UuidPrimaryColumn()
  rowId!: string;

  @Index('idx_lti_nonce_nonce')
  @Column({ type: 'varchar', length: 255 })
  nonce!: string;

  @JsonColumn({ nullable: true })
  doc!: Record<string, unknown> | null;

  @DateTimeColumn()
  createdAt!: Date;

  @Index('idx_lti_nonce_expires')
  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;
}

/** ltijs `state` (10 min). */
@Entity('lti_state')
export class LtiStateEntity {
  @UuidPrimaryColumn()
  rowId!: string;

  @Index('uq_lti_state_state', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  state!: string;

  @JsonColumn({ nullable: true })
  doc!: Record<string, unknown> | null;

  @DateTimeColumn()
  createdAt!: Date;

  @Index('idx_lti_state_expires')
  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;
}

/** ltijs `idtoken` (24 h). */
@Entity('lti_id_token')
@Index('idx_lti_id_token', ['iss', 'clientId', 'deploymentId', 'user'])
export class LtiIdTokenEntity {
  @UuidPrimaryColumn()
  rowId!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  iss!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  clientId!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  deploymentId!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  user!: string | null;

  @JsonColumn({ nullable: true })
  doc!: Record<string, unknown> | null;

  @DateTimeColumn()
  createdAt!: Date;

  @Index('idx_lti_id_token_expires')
  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;
}

/** ltijs `contexttoken` (24 h). */
@Entity('lti_context_token')
@Index('idx_lti_context_token', ['contextId', 'user'])
export class LtiContextTokenEntity {
  @UuidPrimaryColumn()
  rowId!: string;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  contextId!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  user!: string | null;

  @JsonColumn({ nullable: true })
  doc!: Record<string, unknown> | null;

  @DateTimeColumn()
  createdAt!: Date;

  @Index('idx_lti_context_token_expires')
  @DateTimeColumn({ nullable: true })
  expiresAt!: Date | null;
}

export const LTIJS_STORE_ENTITIES = [
  LtiPlatformEntity,
  LtiPlatformStatusEntity,
  LtiPublicKeyEntity,
  LtiPrivateKeyEntity,
  LtiAccessTokenEntity,
  LtiNonceEntity,
  LtiStateEntity,
  LtiIdTokenEntity,
  LtiContextTokenEntity,
];

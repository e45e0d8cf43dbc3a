import { CreatedAtColumn, DateTimeColumn, UuidColumn, UuidPrimaryColumn } from '@lib/core';
import { Column, Entity } from 'typeorm';

/**
 * An API key of an online service allowed to file reports (`safeguarding:key-create`). Only the
 * SHA-256 of its secret is stored; the key is shown once. It may file reports only for schools
 * under `scopeOrgNodeId`.
 */
@Entity('safeguarding_intake_key')
export class IntakeKeyEntity {
  @UuidPrimaryColumn()
  id!: string;

  /** The service's name, as the operator typed it. */
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @UuidColumn()
  scopeOrgNodeId!: string;

  @Column({ type: 'varchar', length: 64 })
  secretHash!: string;

  @CreatedAtColumn()
  createdAt!: Date;

  @DateTimeColumn({ nullable: true })
  revokedAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  lastUsedAt!: Date | null;
}

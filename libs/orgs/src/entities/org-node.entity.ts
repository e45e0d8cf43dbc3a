import {
  UuidColumn,
  UuidPrimaryColumn,
  CreatedAtColumn,
  UpdatedAtColumn,
  JsonColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

export enum OrgType {
  MINISTRY = 'ministry',
  PROVINCE = 'province',
  COMMUNE = 'commune',
  SCHOOL = 'school',
  FACILITY = 'facility',
}

/** School levels (cấp học); a multi-level school lists several. */
export enum SchoolLevel {
  PRIMARY = 'primary',
  LOWER_SECONDARY = 'lower_secondary',
  UPPER_SECONDARY = 'upper_secondary',
}

/**
 * A node of the org tree (any depth): ministry → province → commune/ward → school, or a
 * child-protection facility. `path` is the materialised chain of ids (`/a/b/c/`) so a
 * subtree is one indexed prefix match. This row is the node as it is today; its history
 * (names, codes and parents with effective dates) is in {@link OrgNodeVersionEntity}.
 */
@Entity('org_node')
export class OrgNodeEntity {
  @UuidPrimaryColumn()
  id!: string;

  /** Official code (e.g. the ministry's school code); unique. */
  @Index('uq_org_node_code', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: OrgType;

  @Column({ type: 'varchar', length: 300 })
  name!: string;

  @JsonColumn({ default: '[]' })
  levels!: SchoolLevel[];

  @Index('idx_org_node_parent')
  @UuidColumn({ nullable: true })
  parentId!: string | null;

  @Index('idx_org_node_path')
  @Column({ type: 'varchar', length: 1000 })
  path!: string;

  @Column({ type: 'integer' })
  depth!: number;

  /** First day the node exists in this shape (ISO date, `YYYY-MM-DD`). */
  @Column({ type: 'varchar', length: 10, default: '2000-01-01' })
  validFrom!: string;

  /** Day the node stopped existing (merged, closed); null while open. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  closedOn!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/**
 * One period of a node's life: its code, name, parent and levels from `validFrom` until the
 * day before `validTo` (null = still current). A school moving from a district to a commune,
 * or a province merged in 2025, closes one version and opens the next, so reports of past
 * periods can still be read against the tree of their time.
 */
@Entity('org_node_version')
@Index('idx_org_node_version_node', ['nodeId', 'validFrom'])
export class OrgNodeVersionEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  nodeId!: string;

  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ type: 'varchar', length: 300 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: OrgType;

  @JsonColumn({ default: '[]' })
  levels!: SchoolLevel[];

  @UuidColumn({ nullable: true })
  parentId!: string | null;

  @Column({ type: 'varchar', length: 10 })
  validFrom!: string;

  @Column({ type: 'varchar', length: 10, nullable: true })
  validTo!: string | null;

  /** Why the version changed: created, renamed, moved, recoded, closed, imported. */
  @Column({ type: 'varchar', length: 32 })
  reason!: string;

  @CreatedAtColumn()
  createdAt!: Date;
}

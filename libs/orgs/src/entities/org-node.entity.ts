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
 * subtree is one indexed prefix match.
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

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

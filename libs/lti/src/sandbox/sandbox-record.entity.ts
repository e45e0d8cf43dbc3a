import { CreatedAtColumn, JsonColumn, UpdatedAtColumn } from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

/**
 * The sandbox LMS's own state (keys, registered tools, classes, people, links, line items,
 * scores), kept as typed JSON records: it is a development platform, not a product table set.
 */
@Entity('sandbox_record')
@Index('idx_sandbox_record_parent', ['kind', 'parent'])
export class SandboxRecordEntity {
  @Column({ type: 'varchar', length: 32, primary: true })
  kind!: string;

  @Column({ type: 'varchar', length: 100, primary: true })
  id!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  parent!: string | null;

  @JsonColumn()
  data!: Record<string, unknown>;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

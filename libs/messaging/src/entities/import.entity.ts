import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

/** One problem of a parents import: line (header = 1), column as written, reason code. */
export interface ParentImportProblem {
  line: number;
  column: string;
  reason: string;
}

export type ParentImportStatus = 'queued' | 'running' | 'invalid' | 'valid' | 'done' | 'failed';

/**
 * A school's CSV/XLSX of parents and their children. A dry run checks every row and reports
 * problems by line and column; a clean dry run can be confirmed into the real import. The file
 * holds contacts, so it is stored encrypted and emptied when the import ends.
 */
@Entity('msg_import')
@Index('idx_msg_import_school', ['schoolOrgNodeId', 'createdAt'])
export class ParentImportEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  schoolOrgNodeId!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: ParentImportStatus;

  @Column({ type: 'boolean', default: true })
  dryRun!: boolean;

  @Column({ type: 'varchar', length: 8 })
  format!: 'csv' | 'xlsx';

  @Column({ type: 'varchar', length: 200 })
  fileName!: string;

  /** The file (base64), encrypted with the row id; '' once finished. */
  @Column({ type: 'text' })
  contentEncrypted!: string;

  @UuidColumn()
  createdBy!: string;

  @Column({ type: 'integer', default: 0 })
  total!: number;

  @Column({ type: 'integer', default: 0 })
  parentsCreated!: number;

  @Column({ type: 'integer', default: 0 })
  linksCreated!: number;

  @Column({ type: 'integer', default: 0 })
  errorCount!: number;

  @JsonColumn({ default: '[]' })
  errors!: ParentImportProblem[];

  @CreatedAtColumn()
  createdAt!: Date;

  @DateTimeColumn({ nullable: true })
  finishedAt!: Date | null;
}

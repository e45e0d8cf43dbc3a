import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UpdatedAtColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

export type OrgImportStatus =
  'queued' | 'validating' | 'invalid' | 'valid' | 'importing' | 'done' | 'failed';

/** A problem with one cell (or row) of an import file: shown to the person who uploaded it. */
export interface OrgImportProblem {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  /** Column header as written in the file, or '' for the whole row. */
  column: string;
  /** Reason code, translated on the page (`orgs.import.reason.<code>`). */
  reason: string;
  /** The offending value, cut short (codes and names of organisations, never personal data). */
  value?: string;
}

/**
 * One upload of an org list (CSV or XLSX). The file is kept until the import finishes so the
 * job can be retried; `dryRun` imports validate and count without writing any node.
 */
@Entity('org_import')
@Index('idx_org_import_created', ['createdAt'])
export class OrgImportEntity {
  @UuidPrimaryColumn()
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: OrgImportStatus;

  @Column({ type: 'boolean', default: false })
  dryRun!: boolean;

  @Column({ type: 'varchar', length: 8 })
  format!: 'csv' | 'xlsx';

  @Column({ type: 'varchar', length: 200 })
  fileName!: string;

  /** The file: UTF-8 text for CSV, base64 for XLSX; emptied once the import is done. */
  @Column({ type: 'text' })
  content!: string;

  /** Every row must land in this node's subtree (the uploader's access is checked on it). */
  @UuidColumn()
  rootNodeId!: string;

  @UuidColumn({ nullable: true })
  createdBy!: string | null;

  /** Effective date for changes that have no effective_from column. */
  @Column({ type: 'varchar', length: 10 })
  effectiveOn!: string;

  @Column({ type: 'integer', default: 0 })
  total!: number;

  @Column({ type: 'integer', default: 0 })
  processed!: number;

  @Column({ type: 'integer', default: 0 })
  created!: number;

  @Column({ type: 'integer', default: 0 })
  updated!: number;

  @Column({ type: 'integer', default: 0 })
  unchanged!: number;

  @Column({ type: 'integer', default: 0 })
  errorCount!: number;

  /** The first problems (at most 1,000), in file order. */
  @JsonColumn({ default: '[]' })
  errors!: OrgImportProblem[];

  @DateTimeColumn({ nullable: true })
  finishedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

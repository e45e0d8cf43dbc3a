import { CreatedAtColumn, UuidColumn, UuidPrimaryColumn } from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

/** A lead's case note on a report; encrypted with the report id, erased with the report. */
@Entity('concern_note')
@Index('idx_concern_note_report', ['reportId', 'createdAt'])
export class ConcernNoteEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  reportId!: string;

  @UuidColumn()
  authorAccountId!: string;

  @Column({ type: 'text' })
  bodyEncrypted!: string;

  @CreatedAtColumn()
  createdAt!: Date;
}

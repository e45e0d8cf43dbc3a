import {
  CreatedAtColumn,
  DateTimeColumn,
  UpdatedAtColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';

/**
 * A conversation between a class teacher and the parents of one child (all of that child's
 * linked guardians). There is no thread between parents.
 */
@Entity('msg_thread')
@Index('idx_msg_thread_class', ['classId', 'lastPostAt'])
@Index('idx_msg_thread_student', ['studentId'])
export class ThreadEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  schoolOrgNodeId!: string;

  @UuidColumn()
  classId!: string;

  @UuidColumn()
  studentId!: string;

  /** The LTI user id of the teacher who opened it. */
  @UuidColumn()
  teacherId!: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  teacherName!: string;

  @Column({ type: 'varchar', length: 200 })
  subject!: string;

  @DateTimeColumn()
  lastPostAt!: Date;

  /** When a parent last posted: the teacher's page shows unanswered threads. */
  @DateTimeColumn({ nullable: true })
  lastParentPostAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  teacherReadAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

/** One post. The text is encrypted (it often names the child); kept as the school's record. */
@Entity('msg_thread_post')
@Index('idx_msg_thread_post_thread', ['threadId', 'createdAt'])
export class ThreadPostEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  threadId!: string;

  @Column({ type: 'varchar', length: 8 })
  authorType!: 'teacher' | 'parent';

  @UuidColumn()
  authorId!: string;

  @Column({ type: 'text' })
  bodyEncrypted!: string;

  /** Set when the parent author's data was erased: the text is gone. */
  @DateTimeColumn({ nullable: true })
  erasedAt!: Date | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

/** A parent's own view of a thread: muted, last read. */
@Entity('msg_thread_state')
export class ThreadStateEntity {
  @UuidColumn({ primary: true })
  threadId!: string;

  @UuidColumn({ primary: true })
  parentId!: string;

  @DateTimeColumn({ nullable: true })
  mutedAt!: Date | null;

  @DateTimeColumn({ nullable: true })
  lastReadAt!: Date | null;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** A parent's report of a thread for the school to review (moderation). */
@Entity('msg_report')
@Index('idx_msg_report_school', ['schoolOrgNodeId', 'resolvedAt'])
export class ReportEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  schoolOrgNodeId!: string;

  @UuidColumn()
  threadId!: string;

  @UuidColumn()
  parentId!: string;

  @Column({ type: 'varchar', length: 16 })
  reason!: 'inappropriate' | 'harassment' | 'spam' | 'other';

  @DateTimeColumn({ nullable: true })
  resolvedAt!: Date | null;

  @UuidColumn({ nullable: true })
  resolvedBy!: string | null;

  @CreatedAtColumn()
  createdAt!: Date;
}

/** Per school: quiet hours in its time zone. */
@Entity('msg_school_settings')
export class SchoolSettingsEntity {
  @UuidColumn({ primary: true })
  schoolOrgNodeId!: string;

  @Column({ type: 'varchar', length: 64, default: 'Asia/Ho_Chi_Minh' })
  timezone!: string;

  /** `HH:MM`; quiet from start to end (may wrap past midnight). Equal: no quiet hours. */
  @Column({ type: 'varchar', length: 5, default: '21:00' })
  quietStart!: string;

  @Column({ type: 'varchar', length: 5, default: '06:30' })
  quietEnd!: string;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

/** A class as messaging knows it: its school, title and grade (set by the teacher). */
@Entity('msg_class')
@Index('idx_msg_class_school', ['schoolOrgNodeId', 'grade'])
export class ClassEntity {
  @UuidColumn({ primary: true })
  classId!: string;

  @UuidColumn()
  schoolOrgNodeId!: string;

  @Column({ type: 'varchar', length: 300, default: '' })
  title!: string;

  @Column({ type: 'integer', nullable: true })
  grade!: number | null;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

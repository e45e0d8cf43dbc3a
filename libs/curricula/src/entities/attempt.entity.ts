import {
  CreatedAtColumn,
  DateTimeColumn,
  JsonColumn,
  UpdatedAtColumn,
  UuidColumn,
  UuidPrimaryColumn,
} from '@lib/core';
import { Column, Entity, Index } from 'typeorm';
import type { ObjectiveMastery } from '../models/attempt.model';

/** What an attempt answers: a module's assessment, or a band's check before / after lessons. */
export type AttemptKind = 'module' | 'pre' | 'post';

/**
 * `in_progress` → `submitted` once (a conditional update, so a double submit grades once);
 * `skipped` records a pre-check the learner chose to skip; `abandoned` an unfinished attempt
 * whose module changed version (its answers may name items that no longer exist).
 */
export type AttemptStatus = 'in_progress' | 'submitted' | 'skipped' | 'abandoned';

/**
 * One learner's go at a module (or a band check) from one LTI resource link. Learners are the
 * pseudonymous LTI user ids; no name is stored here. Answers live in {@link AttemptAnswerEntity},
 * one row per item, so saving one item never rewrites the others.
 */
@Entity('attempt')
@Index('uq_attempt_number', ['userId', 'kind', 'sourceId', 'linkKey', 'number'], { unique: true })
@Index('idx_attempt_context', ['contextId', 'sourceId', 'status'])
@Index('idx_attempt_user', ['userId', 'submittedAt'])
@Index('idx_attempt_school', ['schoolOrgNodeId', 'submittedAt'])
export class AttemptEntity {
  @UuidPrimaryColumn()
  id!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: AttemptKind;

  /** Module id, or band check id. */
  @Column({ type: 'varchar', length: 100 })
  sourceId!: string;

  @Column({ type: 'varchar', length: 20 })
  band!: string;

  /** The module version answered (FORMAT.md: bumped when the assessment changes); 0 for checks. */
  @Column({ type: 'integer', default: 0 })
  version!: number;

  /** Pseudonymous LTI user id. */
  @UuidColumn()
  userId!: string;

  /** SafeNest id of the class (LTI context); null outside a course. */
  @UuidColumn({ nullable: true })
  contextId!: string | null;

  /** The class title at the time (teacher and school views). */
  @Column({ type: 'varchar', length: 200, default: '' })
  contextTitle!: string;

  /** The platform's resource link id. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resourceLinkId!: string | null;

  /** `<contextId>|<resourceLinkId>` for modules, `<contextId>` for checks: the retry scope. */
  @Column({ type: 'varchar', length: 300 })
  linkKey!: string;

  @UuidColumn({ nullable: true })
  schoolOrgNodeId!: string | null;

  /** The launch the attempt was started from (the submitting launch is passed at submission). */
  @UuidColumn()
  launchId!: string;

  /** 1, 2, … within (learner, source, link). */
  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 12 })
  status!: AttemptStatus;

  /** A teacher trying the module: no grade passback, no coverage, not in class figures. */
  @Column({ type: 'boolean', default: false })
  preview!: boolean;

  /** The furthest step reached (pages, then items, then the review), for resuming. */
  @Column({ type: 'integer', default: 0 })
  position!: number;

  @Column({ type: 'float', nullable: true })
  earned!: number | null;

  @Column({ type: 'float', nullable: true })
  maxPoints!: number | null;

  @Column({ type: 'float', nullable: true })
  percent!: number | null;

  @Column({ type: 'boolean', nullable: true })
  passed!: boolean | null;

  /** The score kept for the link under its policy (best or latest) when this one was graded. */
  @Column({ type: 'float', nullable: true })
  keptPercent!: number | null;

  @JsonColumn({ nullable: true })
  mastery!: ObjectiveMastery[] | null;

  @CreatedAtColumn()
  startedAt!: Date;

  @UpdatedAtColumn()
  updatedAt!: Date;

  @DateTimeColumn({ nullable: true })
  submittedAt!: Date | null;
}

/**
 * A learner's response to one item of an attempt, saved as they go (in the public form the
 * page showed: opaque tokens for ordering steps and matching rights). At submission every item
 * gets a row with its score; `answerKey` is the answer in model ids, for item analysis.
 */
@Entity('attempt_answer')
@Index('uq_attempt_answer', ['attemptId', 'itemId'], { unique: true })
@Index('idx_attempt_answer_analysis', ['contextId', 'sourceId', 'itemId'])
export class AttemptAnswerEntity {
  @UuidPrimaryColumn()
  id!: string;

  @UuidColumn()
  attemptId!: string;

  @Column({ type: 'varchar', length: 64 })
  itemId!: string;

  /** As posted by the page (public ids); null: not answered. */
  @JsonColumn({ nullable: true })
  response!: SavedResponse | null;

  // Copied from the attempt so item analysis reads one table.
  @UuidColumn({ nullable: true })
  contextId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  sourceId!: string;

  @Column({ type: 'integer', default: 0 })
  version!: number;

  @Column({ type: 'integer', default: 1 })
  attemptNumber!: number;

  @Column({ type: 'boolean', default: false })
  preview!: boolean;

  // Filled when the attempt is graded.
  @Column({ type: 'boolean', default: false })
  graded!: boolean;

  /** The answer in model ids (`b`, `a,c`, `true`, `s2>s1>s3`, `m1=m2;m2=m1`, `c1>c4`). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  answerKey!: string | null;

  @Column({ type: 'float', nullable: true })
  score!: number | null;

  @Column({ type: 'boolean', nullable: true })
  correct!: boolean | null;

  /** The answer carried a misconception. */
  @Column({ type: 'boolean', nullable: true })
  misconception!: boolean | null;

  @UpdatedAtColumn()
  savedAt!: Date;
}

/** A response as saved: option id(s), true/false, step tokens in order, left → right token, story path. */
export type SavedResponse = string | boolean | string[] | Record<string, string>;

/** Score policy per resource link: how many attempts, and which score goes to the gradebook. */
export type ScorePolicy = 'best' | 'latest';

/** A teacher's retry policy for one resource link (defaults apply without a row). */
@Entity('attempt_policy')
export class AttemptPolicyEntity {
  @UuidPrimaryColumn()
  id!: string;

  @Index('uq_attempt_policy_link', { unique: true })
  @Column({ type: 'varchar', length: 300 })
  linkKey!: string;

  /** 0 = unlimited. */
  @Column({ type: 'integer' })
  maxAttempts!: number;

  @Column({ type: 'varchar', length: 8 })
  scorePolicy!: ScorePolicy;

  /** Pseudonymous id of the teacher who set it. */
  @UuidColumn({ nullable: true })
  updatedBy!: string | null;

  @UpdatedAtColumn()
  updatedAt!: Date;
}

export const CURRICULA_ENTITIES = [AttemptEntity, AttemptAnswerEntity, AttemptPolicyEntity];

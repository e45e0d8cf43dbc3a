import type { EntityManager } from 'typeorm';
import type { AttemptKind, ScorePolicy } from '../entities/attempt.entity';
import type { BandId, Language } from './curriculum.model';

/**
 * Who is playing, as the launch tells it. A structural subset of @lib/lti's LaunchContext (pass
 * that one directly): this lib cannot import @lib/lti, which imports this lib for its picker.
 */
export interface PlayerLearner {
  launchId: string;
  /** Pseudonymous user id (LTI platform + sub). */
  userId: string;
  roles: { learner: boolean; instructor: boolean; admin: boolean };
  schoolOrgNodeId: string | null;
  contextId: string | null;
  contextTitle: string;
  resourceLinkId: string | null;
  /** The module the LMS link names (null for links without one). */
  moduleId: string | null;
  /** The platform offers grade passback for this launch. */
  gradable?: boolean;
}

export interface AttemptPolicy {
  /** 0 = unlimited. */
  maxAttempts: number;
  scorePolicy: ScorePolicy;
}

/** A graded module attempt, as handed to {@link AttemptGradedHook}s inside the grading transaction. */
export interface AttemptGradedEvent {
  attemptId: string;
  kind: AttemptKind;
  moduleId: string;
  version: number;
  band: BandId;
  /** 1, 2, … within the learner's attempts on this link. */
  number: number;
  earned: number;
  maxPoints: number;
  percent: number;
  passed: boolean;
  /** The score the link keeps under its policy (what the gradebook should show). */
  kept: { earned: number; percent: number; policy: ScorePolicy };
  submittedAt: Date;
  /** The launch that submitted (its resource link receives the grade). */
  learner: PlayerLearner;
}

/**
 * Something that must happen in the same transaction as grading: the LMS grade (outbox row)
 * and the coverage delivery. Apps register implementations with {@link AttemptHooks}. Called
 * only for learners' module attempts (not teacher previews, not band checks); a throw rolls the
 * grading back, so the learner can submit again.
 */
export interface AttemptGradedHook {
  readonly name: string;
  attemptGraded(manager: EntityManager, event: AttemptGradedEvent): Promise<void>;
}

export type PlayerStep =
  | { index: number; kind: 'page'; pageId: string }
  | { index: number; kind: 'item'; itemId: string; /** 1-based question number */ number: number }
  | { index: number; kind: 'review' };

export interface CheckRef {
  band: BandId;
  kind: 'pre' | 'post';
}

/** The entry page of a module for one learner on one link. */
export interface ModuleEntry {
  moduleId: string;
  band: BandId;
  policy: AttemptPolicy;
  /** Submitted attempts, oldest first. */
  submitted: Array<{
    id: string;
    number: number;
    percent: number;
    passed: boolean;
    submittedAt: Date;
  }>;
  inProgress: { id: string; position: number; steps: number } | null;
  /** Further attempts allowed (null: unlimited). */
  attemptsLeft: number | null;
  best: number | null;
  latest: number | null;
  /** The band's pre-check should come first (never started, never skipped). */
  preCheckDue: boolean;
  /** An unfinished pre-check to continue. */
  preCheckInProgress: string | null;
  lang?: Language;
}

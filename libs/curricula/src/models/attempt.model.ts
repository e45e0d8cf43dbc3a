import type { AssessmentItemType, LocalizedText } from './curriculum.model';

/**
 * The learner's answers: item id → response. Responses are checked strictly by `gradeAttempt`:
 * single: option id; multiple: option id[]; truefalse: boolean; ordering: step id[] (every
 * step once); matching: { pairId: pairId of the chosen right }; scenario: choice id[] from the
 * start to an end. An absent (or null) response is an unanswered item and scores 0.
 */
export type AttemptAnswers = Readonly<Record<string, unknown>>;

export type MasteryLevel = 'secure' | 'developing' | 'emerging' | 'misconception';

/** Feedback for one chosen answer; `answerId` is the option or choice id when there is one. */
export interface AnswerFeedback {
  answerId?: string;
  text: LocalizedText;
}

export interface ItemResult {
  itemId: string;
  type: AssessmentItemType;
  objective: string;
  answered: boolean;
  /** 0..1 */
  score: number;
  points: number;
  /** score × points */
  earned: number;
  /** Full marks on this item. */
  correct: boolean;
  feedback: AnswerFeedback[];
  /** The beliefs revealed by the chosen answers, if any. */
  misconceptions: AnswerFeedback[];
}

export interface ObjectiveMastery {
  /** An objective id; in a band check, a module id. */
  objective: string;
  earned: number;
  max: number;
  /** earned / max, 0..1 */
  share: number;
  level: MasteryLevel;
}

export interface AttemptResult {
  /** Module id, or band check id. */
  sourceId: string;
  /** Module version (band checks have none). */
  version?: number;
  items: ItemResult[];
  totals: {
    earned: number;
    max: number;
    /** Rounded to 1 decimal. */
    percent: number;
    /** percent >= passPercent; null for a band check, which has no pass mark. */
    passed: boolean | null;
  };
  mastery: ObjectiveMastery[];
}

import type { AttemptAnswers } from '../models/attempt.model';
import type { AssessmentItem, BandCheck, CurriculumModule } from '../models/curriculum.model';
import type { PlayerStep } from '../models/player.model';
import { walkScenario } from '../grading/answer-validation.util';
import { gradeAttempt } from '../grading/grade-attempt.util';
import { fromPublicAnswers } from '../grading/public-view.util';

export type AssessmentSource = CurriculumModule | BandCheck;

export function isModuleSource(source: AssessmentSource): source is CurriculumModule {
  return 'assessment' in source;
}

export function itemsOf(source: AssessmentSource): AssessmentItem[] {
  return isModuleSource(source) ? source.assessment.items : source.items;
}

/** Pages in order, then one step per item, then the review: the learner's path through a source. */
export function stepsOf(source: AssessmentSource): PlayerStep[] {
  const steps: PlayerStep[] = [];
  if (isModuleSource(source)) {
    for (const page of source.pages) {
      steps.push({ index: steps.length, kind: 'page', pageId: page.id });
    }
  }
  itemsOf(source).forEach((item, i) => {
    steps.push({ index: steps.length, kind: 'item', itemId: item.id, number: i + 1 });
  });
  steps.push({ index: steps.length, kind: 'review' });
  return steps;
}

/**
 * Checks one response given with public ids (as a page posts it) before it is saved. A
 * scenario may stop half-way (the learner is still in the story); anything else must be a
 * response `gradeAttempt` accepts. Throws INVALID_ANSWER.
 */
export function validateResponse(
  source: AssessmentSource,
  item: AssessmentItem,
  response: unknown,
  seed: string,
): void {
  if (item.type === 'scenario') {
    walkScenario(item, response);
    return;
  }
  gradeAttempt(source, fromPublicAnswers(source, { [item.id]: response }, seed));
}

/** Whether a saved scenario path has reached the end of the story. */
export function scenarioFinished(item: AssessmentItem, response: unknown): boolean {
  if (item.type !== 'scenario') {
    return true;
  }
  try {
    const { taken, node } = walkScenario(item, response);
    return taken.length > 0 && !node;
  } catch {
    return false;
  }
}

/**
 * Saved responses (public ids) → answers for `gradeAttempt` (model ids). A response that no
 * longer fits (an unfinished story, a stale token) counts as unanswered rather than failing
 * the whole submission.
 */
export function toModelAnswers(
  source: AssessmentSource,
  responses: ReadonlyMap<string, unknown>,
  seed: string,
): AttemptAnswers {
  const out: Record<string, unknown> = {};
  for (const item of itemsOf(source)) {
    const response = responses.get(item.id);
    if (response === undefined || response === null) {
      continue;
    }
    try {
      if (item.type === 'scenario') {
        if (scenarioFinished(item, response)) {
          out[item.id] = response;
        }
        continue;
      }
      const model = fromPublicAnswers(source, { [item.id]: response }, seed)[item.id];
      gradeAttempt(source, { [item.id]: model });
      out[item.id] = model;
    } catch {
      // left unanswered
    }
  }
  return out;
}

import type {
  AnswerFeedback,
  AttemptAnswers,
  AttemptResult,
  ItemResult,
  MasteryLevel,
  ObjectiveMastery,
} from '../models/attempt.model';
import type { AssessmentItem, BandCheck, CurriculumModule } from '../models/curriculum.model';
import {
  expectIdList,
  expectString,
  invalidAnswer,
  isPlainObject,
  walkScenario,
} from './answer-validation.util';
import { CurriculaErrorCode, CurriculaException } from '../curricula.exception';

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON) * factor) / factor;
};

interface Scored {
  score: number;
  feedback: AnswerFeedback[];
  misconceptions: AnswerFeedback[];
}

function scoreItem(item: AssessmentItem, response: unknown): Scored {
  switch (item.type) {
    case 'single': {
      const id = expectString(item.id, response, 'an option id');
      const option = item.options.find((o) => o.id === id);
      if (!option) {
        throw invalidAnswer(item.id, `unknown option "${id}"`);
      }
      return {
        score: option.correct ? 1 : 0,
        feedback: [{ answerId: option.id, text: option.feedback }],
        misconceptions: option.misconception
          ? [{ answerId: option.id, text: option.misconception }]
          : [],
      };
    }
    case 'multiple': {
      const ids = expectIdList(item.id, response, new Set(item.options.map((o) => o.id)), 'option');
      const chosen = item.options.filter((o) => ids.includes(o.id));
      const correctCount = item.options.filter((o) => o.correct).length;
      const right = chosen.filter((o) => o.correct).length;
      const wrong = chosen.length - right;
      return {
        score: Math.max(0, (right - wrong) / correctCount),
        feedback: chosen.map((o) => ({ answerId: o.id, text: o.feedback })),
        misconceptions: chosen.flatMap((o) =>
          o.misconception ? [{ answerId: o.id, text: o.misconception }] : [],
        ),
      };
    }
    case 'truefalse': {
      if (typeof response !== 'boolean') {
        throw invalidAnswer(item.id, 'expected true or false');
      }
      const correct = response === item.answer;
      return {
        score: correct ? 1 : 0,
        feedback: [{ text: correct ? item.feedback.correct : item.feedback.incorrect }],
        misconceptions: !correct && item.misconception ? [{ text: item.misconception }] : [],
      };
    }
    case 'ordering': {
      const ids = expectIdList(item.id, response, new Set(item.steps.map((s) => s.id)), 'step');
      if (ids.length !== item.steps.length) {
        throw invalidAnswer(item.id, `expected all ${item.steps.length} steps in an order`);
      }
      const inPlace = item.steps.filter((step, index) => ids[index] === step.id).length;
      const score = inPlace / item.steps.length;
      return {
        score,
        feedback: [{ text: score === 1 ? item.feedback.correct : item.feedback.incorrect }],
        misconceptions: [],
      };
    }
    case 'matching': {
      if (!isPlainObject(response)) {
        throw invalidAnswer(item.id, 'expected a map of pair id → matched pair id');
      }
      const pairIds = new Set(item.pairs.map((p) => p.id));
      for (const [left, right] of Object.entries(response)) {
        if (!pairIds.has(left)) {
          throw invalidAnswer(item.id, `unknown pair "${left}"`);
        }
        const rightId = expectString(item.id, right, 'a pair id');
        if (!pairIds.has(rightId)) {
          throw invalidAnswer(item.id, `unknown pair "${rightId}"`);
        }
      }
      const matched = item.pairs.filter((pair) => response[pair.id] === pair.id).length;
      const score = matched / item.pairs.length;
      return {
        score,
        feedback: [{ text: score === 1 ? item.feedback.correct : item.feedback.incorrect }],
        misconceptions: [],
      };
    }
    case 'scenario': {
      const { taken, node } = walkScenario(item, response);
      if (taken.length === 0 || node) {
        throw invalidAnswer(item.id, 'the path stops before the story ends');
      }
      return {
        score: taken.reduce((sum, choice) => sum + choice.score, 0) / taken.length,
        feedback: taken.map((choice) => ({ answerId: choice.id, text: choice.feedback })),
        misconceptions: taken.flatMap((choice) =>
          choice.misconception ? [{ answerId: choice.id, text: choice.misconception }] : [],
        ),
      };
    }
  }
}

/** FORMAT.md: >= 0.8 secure, >= 0.5 developing, > 0 emerging; 0, or a misconception chosen on every item → misconception. */
export function masteryLevel(share: number, misconceptionOnEveryItem: boolean): MasteryLevel {
  if (misconceptionOnEveryItem || share <= 0) {
    return 'misconception';
  }
  if (share >= 0.8) {
    return 'secure';
  }
  if (share >= 0.5) {
    return 'developing';
  }
  return 'emerging';
}

function isModule(source: CurriculumModule | BandCheck): source is CurriculumModule {
  return 'assessment' in source;
}

/**
 * Scores a submitted attempt against a module (or a band check). Throws a CurriculaException
 * with code INVALID_ANSWER for an unknown item id or a response of the wrong shape.
 */
export function gradeAttempt(
  source: CurriculumModule | BandCheck,
  answers: AttemptAnswers,
): AttemptResult {
  if (!isPlainObject(answers)) {
    throw new CurriculaException(
      CurriculaErrorCode.INVALID_ANSWER,
      'answers must be a map of item id → response',
    );
  }
  const items = isModule(source) ? source.assessment.items : source.items;
  const known = new Set(items.map((item) => item.id));
  for (const itemId of Object.keys(answers)) {
    if (!known.has(itemId)) {
      throw invalidAnswer(itemId, 'no such item');
    }
  }

  const exact = new Map<string, number>();
  const results: ItemResult[] = items.map((item) => {
    const response = answers[item.id];
    const answered = response !== undefined && response !== null;
    const scored: Scored = answered
      ? scoreItem(item, response)
      : { score: 0, feedback: [], misconceptions: [] };
    exact.set(item.id, scored.score * item.points);
    return {
      itemId: item.id,
      type: item.type,
      objective: item.objective,
      answered,
      score: round(scored.score, 4),
      points: item.points,
      earned: round(scored.score * item.points, 4),
      correct: scored.score === 1,
      feedback: scored.feedback,
      misconceptions: scored.misconceptions,
    };
  });

  const earned = results.reduce((sum, r) => sum + (exact.get(r.itemId) ?? 0), 0);
  const max = results.reduce((sum, r) => sum + r.points, 0);
  const percent = max > 0 ? round((100 * earned) / max, 1) : 0;

  const objectives = isModule(source)
    ? source.objectives.map((objective) => objective.id)
    : [...new Set(items.map((item) => item.objective))];
  const mastery: ObjectiveMastery[] = objectives.map((objective) => {
    const own = results.filter((r) => r.objective === objective);
    const ownEarned = own.reduce((sum, r) => sum + (exact.get(r.itemId) ?? 0), 0);
    const ownMax = own.reduce((sum, r) => sum + r.points, 0);
    const share = ownMax > 0 ? ownEarned / ownMax : 0;
    const misconceived = own.length > 0 && own.every((r) => r.misconceptions.length > 0);
    return {
      objective,
      earned: round(ownEarned, 4),
      max: ownMax,
      share: round(share, 4),
      level: masteryLevel(share, misconceived),
    };
  });

  return {
    sourceId: source.id,
    version: isModule(source) ? source.version : undefined,
    items: results,
    totals: {
      earned: round(earned, 4),
      max,
      percent,
      passed: isModule(source) ? percent >= source.assessment.passPercent : null,
    },
    mastery,
  };
}

import { join } from 'node:path';
import { CurriculaErrorCode } from '../curricula.exception';
import { toPublicItem } from '../grading/public-view.util';
import { gradeAttempt } from '../grading/grade-attempt.util';
import { loadCurricula } from '../loader/load-curricula.util';
import type { AssessmentItem } from '../models/curriculum.model';
import { scenarioFinished, stepsOf, toModelAnswers, validateResponse } from './player-answers.util';

jest.mock('@lib/core', () => jest.requireActual('../__fixtures__/lib-core-stub'));

const content = loadCurricula(join(__dirname, '..', '__fixtures__', 'valid'));
const [mod] = content.modules;
const [check] = content.checks;
const item = (id: string): AssessmentItem => mod.assessment.items.find((i) => i.id === id)!;
const SEED = 'attempt-1';

describe('the path through a mod', () => {
  it('is the pages, one step per question, then the review', () => {
    const steps = stepsOf(mod);
    expect(steps.map((s) => s.kind)).toEqual([
      ...mod.pages.map(() => 'page'),
      ...mod.assessment.items.map(() => 'item'),
      'review',
    ]);
    expect(steps.map((s) => s.index)).toEqual(steps.map((_, i) => i));
    expect(steps.find((s) => s.kind === 'item')).toMatchObject({ itemId: 'q1', number: 1 });
    expect(stepsOf(check).filter((s) => s.kind === 'page')).toEqual([]);
  });
});

describe('responses as pages post them', () => {
  it('accepts a half-told story and a full ordering in the page tokens, refuses the rest', () => {
    expect(() => validateResponse(mod, item('q6'), ['c1'], SEED)).not.toThrow();
    const shown = toPublicItem(item('q4'), 'en', SEED);
    const tokens = shown.type === 'ordering' ? shown.steps.map((s) => s.id) : [];
    expect(() => validateResponse(mod, item('q4'), tokens, SEED)).not.toThrow();
    expect(() => validateResponse(mod, item('q4'), ['s1', 's2', 's3', 's4'], SEED)).toThrow(
      expect.objectContaining({ code: CurriculaErrorCode.INVALID_ANSWER }),
    );
    expect(() => validateResponse(mod, item('q1'), 'z', SEED)).toThrow(
      expect.objectContaining({ code: CurriculaErrorCode.INVALID_ANSWER }),
    );
    expect(() => validateResponse(mod, item('q6'), ['c1', 'c1', 'c1'], SEED)).toThrow();
  });

  it('grades an unfinished story or a stale token as unanswered instead of failing the hand-in', () => {
    expect(scenarioFinished(item('q6'), ['c1'])).toBe(false);
    expect(scenarioFinished(item('q6'), ['c1', 'c1'])).toBe(true);
    const shown = toPublicItem(item('q4'), 'en', SEED);
    const order = shown.type === 'ordering' ? shown.steps : [];
    const inOrder =
      item('q4').type === 'ordering'
        ? (item('q4') as { steps: Array<{ text: { en: string } }> }).steps.map(
            (s) => order.find((o) => o.text === s.text.en)!.id,
          )
        : [];
    const answers = toModelAnswers(
      mod,
      new Map<string, unknown>([
        ['q1', 'a'],
        ['q4', inOrder],
        ['q5', { m1: 'stale-token' }],
        ['q6', ['c1']],
      ]),
      SEED,
    );
    expect(answers).toEqual({ q1: 'a', q4: ['s1', 's2', 's3', 's4'] });
    const result = gradeAttempt(mod, answers);
    expect(result.items.filter((r) => r.answered).map((r) => r.itemId)).toEqual(['q1', 'q4']);
  });
});

import { join } from 'node:path';
import { CurriculaErrorCode, CurriculaException } from '../curricula.exception';
import { loadCurricula } from '../loader/load-curricula.util';
import type { AttemptAnswers } from '../models/attempt.model';
import { gradeAttempt, masteryLevel } from './grade-attempt.util';

jest.mock('@lib/core', () => jest.requireActual('../__fixtures__/lib-core-stub'));

const content = loadCurricula(join(__dirname, '..', '__fixtures__', 'valid'));
const [safeChat] = content.modules;
const [check] = content.checks;

// The fixture: o1 ← q1 (single), q2 (multiple, 2 points); o2 ← q3 (truefalse), q4 (ordering),
// q6 (scenario); o3 ← q5 (matching), q7 (single), q8 (truefalse). 9 points in all.
const PERFECT: AttemptAnswers = {
  q1: 'a',
  q2: ['a', 'b', 'c'],
  q3: false,
  q4: ['s1', 's2', 's3', 's4'],
  q5: { m1: 'm1', m2: 'm2', m3: 'm3' },
  q6: ['c1', 'c1'],
  q7: 'b',
  q8: true,
};

const item = (answers: AttemptAnswers, id: string) => {
  const found = gradeAttempt(safeChat, answers).items.find((r) => r.itemId === id);
  if (!found) {
    throw new Error(`no result for ${id}`);
  }
  return found;
};

function expectInvalid(answers: unknown, message: string): void {
  let error: unknown;
  try {
    gradeAttempt(safeChat, answers as AttemptAnswers);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(CurriculaException);
  expect((error as CurriculaException).code).toBe(CurriculaErrorCode.INVALID_ANSWER);
  expect((error as CurriculaException).status).toBe(400);
  expect((error as CurriculaException).message).toBe(message);
}

describe('gradeAttempt', () => {
  it('gives full marks, a pass and secure mastery for perfect answers', () => {
    const result = gradeAttempt(safeChat, PERFECT);
    expect(result.sourceId).toBe('up-fixture-safe-chat');
    expect(result.version).toBe(1);
    expect(result.totals).toEqual({ earned: 9, max: 9, percent: 100, passed: true });
    expect(result.items.every((r) => r.correct && r.score === 1 && r.answered)).toBe(true);
    expect(result.mastery.map((m) => [m.objective, m.level])).toEqual([
      ['o1', 'secure'],
      ['o2', 'secure'],
      ['o3', 'secure'],
    ]);
  });

  it('scores single and truefalse all or nothing, with feedback in both languages', () => {
    expect(item({ q1: 'a' }, 'q1')).toMatchObject({
      score: 1,
      earned: 1,
      correct: true,
      feedback: [{ answerId: 'a', text: { vi: expect.any(String), en: expect.any(String) } }],
      misconceptions: [],
    });
    const wrong = item({ q1: 'c' }, 'q1');
    expect(wrong).toMatchObject({ score: 0, earned: 0, correct: false });
    expect(wrong.misconceptions).toEqual([
      {
        answerId: 'c',
        text: {
          vi: 'Mọi tin nhắn đều nguy hiểm như nhau.',
          en: 'All messages are equally dangerous.',
        },
      },
    ]);
    expect(item({ q3: false }, 'q3').feedback[0].text.en).toMatch(/^Right/);
    const q3 = item({ q3: true }, 'q3');
    expect(q3).toMatchObject({ score: 0, correct: false });
    expect(q3.feedback[0].text.en).toMatch(/^Not quite/);
    expect(q3.misconceptions[0].text.en).toBe('Anyone who knows things about you can be trusted.');
  });

  it('gives partial credit on multiple: max(0, (right - wrong) / correct count) × points', () => {
    expect(item({ q2: ['a', 'b'] }, 'q2')).toMatchObject({
      score: 0.6667,
      earned: 1.3333,
      correct: false,
    });
    expect(item({ q2: ['a', 'b', 'd'] }, 'q2')).toMatchObject({ score: 0.3333, earned: 0.6667 });
    expect(item({ q2: ['a', 'b', 'c', 'd'] }, 'q2')).toMatchObject({ score: 0.6667, points: 2 });
    expect(item({ q2: ['d'] }, 'q2')).toMatchObject({ score: 0, earned: 0 });
    expect(item({ q2: [] }, 'q2')).toMatchObject({ score: 0, answered: true, feedback: [] });
    expect(item({ q2: ['a', 'd'] }, 'q2').feedback.map((f) => f.answerId)).toEqual(['a', 'd']);
  });

  it('scores ordering by steps in place and matching by pairs matched', () => {
    expect(item({ q4: ['s1', 's3', 's2', 's4'] }, 'q4')).toMatchObject({
      score: 0.5,
      correct: false,
    });
    expect(item({ q4: ['s4', 's3', 's2', 's1'] }, 'q4')).toMatchObject({ score: 0 });
    expect(item({ q5: { m1: 'm1', m2: 'm3', m3: 'm2' } }, 'q5')).toMatchObject({ score: 0.3333 });
    expect(item({ q5: { m1: 'm1' } }, 'q5')).toMatchObject({ score: 0.3333 });
    expect(item({ q5: { m1: 'm2', m2: 'm2' } }, 'q5')).toMatchObject({ score: 0.3333 });
  });

  it('scores a scenario as the mean score of the choices taken', () => {
    expect(item({ q6: ['c1', 'c2'] }, 'q6')).toMatchObject({ score: 0.75, correct: false });
    const risky = item({ q6: ['c2', 'c2'] }, 'q6');
    expect(risky.score).toBe(0.25);
    expect(risky.feedback.map((f) => f.answerId)).toEqual(['c2', 'c2']);
    expect(risky.misconceptions.map((m) => m.text.en)).toEqual([
      'Anyone who knows my friends is safe.',
    ]);
    expect(item({ q6: ['c3'] }, 'q6')).toMatchObject({ score: 0, earned: 0 });
  });

  it('scores an unanswered item 0', () => {
    const result = gradeAttempt(safeChat, { q1: 'a', q2: null });
    expect(result.items.find((r) => r.itemId === 'q2')).toMatchObject({
      answered: false,
      score: 0,
      feedback: [],
    });
    expect(result.totals).toEqual({ earned: 1, max: 9, percent: 11.1, passed: false });
  });

  it('derives mastery per objective from the share of points earned', () => {
    const result = gradeAttempt(safeChat, {
      // o1: a misconception on every item even though q2 earns points
      q1: 'c',
      q2: ['a', 'b', 'c', 'd'],
      // o2: (0 + 0.5 + 0.75) / 3
      q3: true,
      q4: ['s1', 's3', 's2', 's4'],
      q6: ['c1', 'c2'],
      // o3: 2 of 3
      q5: { m1: 'm1', m2: 'm2', m3: 'm3' },
      q7: 'b',
      q8: false,
    });
    expect(result.mastery).toEqual([
      { objective: 'o1', earned: 1.3333, max: 3, share: 0.4444, level: 'misconception' },
      { objective: 'o2', earned: 1.25, max: 3, share: 0.4167, level: 'emerging' },
      { objective: 'o3', earned: 2, max: 3, share: 0.6667, level: 'developing' },
    ]);
    expect(result.totals).toEqual({ earned: 4.5833, max: 9, percent: 50.9, passed: false });
  });

  it('applies the FORMAT.md thresholds', () => {
    expect(masteryLevel(0.8, false)).toBe('secure');
    expect(masteryLevel(0.79, false)).toBe('developing');
    expect(masteryLevel(0.5, false)).toBe('developing');
    expect(masteryLevel(0.49, false)).toBe('emerging');
    expect(masteryLevel(0.01, false)).toBe('emerging');
    expect(masteryLevel(0, false)).toBe('misconception');
    expect(masteryLevel(1, true)).toBe('misconception');
  });

  it('grades a band check per module, without a pass mark', () => {
    const result = gradeAttempt(check, { k1: false, k2: true, k8: 'a' });
    expect(result.sourceId).toBe('check-upper-primary');
    expect(result.version).toBeUndefined();
    expect(result.totals).toEqual({ earned: 3, max: 8, percent: 37.5, passed: null });
    expect(result.mastery).toEqual([
      { objective: 'up-fixture-safe-chat', earned: 3, max: 8, share: 0.375, level: 'emerging' },
    ]);
  });

  it('rejects unknown ids and wrong shapes with a typed error', () => {
    expectInvalid(['a'], 'answers must be a map of item id → response');
    expectInvalid(null, 'answers must be a map of item id → response');
    expectInvalid({ q99: 'a' }, 'item "q99": no such item');
    expectInvalid({ q1: 'z' }, 'item "q1": unknown option "z"');
    expectInvalid({ q1: 1 }, 'item "q1": expected an option id (a string)');
    expectInvalid({ q1: ['a'] }, 'item "q1": expected an option id (a string)');
    expectInvalid({ q2: 'a' }, 'item "q2": expected a list of option ids');
    expectInvalid({ q2: ['a', 'a'] }, 'item "q2": option "a" is given twice');
    expectInvalid({ q2: ['a', 'x'] }, 'item "q2": unknown option "x"');
    expectInvalid({ q3: 'false' }, 'item "q3": expected true or false');
    expectInvalid({ q4: ['s1', 's2', 's3'] }, 'item "q4": expected all 4 steps in an order');
    expectInvalid({ q4: ['s1', 's2', 's3', 's9'] }, 'item "q4": unknown step "s9"');
    expectInvalid({ q5: ['m1'] }, 'item "q5": expected a map of pair id → matched pair id');
    expectInvalid({ q5: { m9: 'm1' } }, 'item "q5": unknown pair "m9"');
    expectInvalid({ q5: { m1: 'm9' } }, 'item "q5": unknown pair "m9"');
    expectInvalid({ q5: { m1: 1 } }, 'item "q5": expected a pair id (a string)');
    expectInvalid(
      { q6: 'c1' },
      'item "q6": expected the list of choice ids taken through the story',
    );
    expectInvalid({ q6: [] }, 'item "q6": the path stops before the story ends');
    expectInvalid({ q6: ['c1'] }, 'item "q6": the path stops before the story ends');
    expectInvalid({ q6: ['c3', 'c1'] }, 'item "q6": choice "c1" comes after the story has ended');
    expectInvalid({ q6: ['c1', 'c3'] }, 'item "q6": "c3" is not a choice at node "n2"');
  });
});

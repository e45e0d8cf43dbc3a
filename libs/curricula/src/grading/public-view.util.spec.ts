import { join, resolve } from 'node:path';
import { CurriculaException } from '../curricula.exception';
import { loadCurricula } from '../loader/load-curricula.util';
import type {
  AssessmentItem,
  CurriculumModule,
  Language,
  LocalizedText,
} from '../models/curriculum.model';
import type { PublicItem } from '../models/public-item.model';
import { gradeAttempt } from './grade-attempt.util';
import {
  fromPublicAnswers,
  scenarioStep,
  toPublicCheck,
  toPublicItem,
  toPublicModule,
} from './public-view.util';

jest.mock('@lib/core', () => jest.requireActual('../__fixtures__/lib-core-stub'));

const fixture = loadCurricula(join(__dirname, '..', '__fixtures__', 'valid'));
const [safeChat] = fixture.modules;
// Every real module that loads, even while authors are still writing (problems elsewhere do
// not matter here): none of them may leak its key.
const real = loadCurricula(resolve(__dirname, '../../../../curricula'));
const modules: CurriculumModule[] = [...fixture.modules, ...real.modules];

const LANGS: Language[] = ['vi', 'en'];
const SECRET_KEYS = /"(correct|answer|feedback|misconception|score|next|incorrect)"\s*:/;

/** Every string only the graded result may show: feedback, misconceptions. */
function secretTexts(item: AssessmentItem, lang: Language): string[] {
  const texts: Array<LocalizedText | undefined> = [];
  switch (item.type) {
    case 'single':
    case 'multiple':
      item.options.forEach((o) => texts.push(o.feedback, o.misconception));
      break;
    case 'truefalse':
      texts.push(item.feedback.correct, item.feedback.incorrect, item.misconception);
      break;
    case 'ordering':
    case 'matching':
      texts.push(item.feedback.correct, item.feedback.incorrect);
      break;
    case 'scenario':
      item.nodes.forEach((n) => n.choices.forEach((c) => texts.push(c.feedback, c.misconception)));
      break;
  }
  return texts.flatMap((text) => (text ? [text[lang]] : []));
}

function itemOf(id: string): AssessmentItem {
  const found = safeChat.assessment.items.find((i) => i.id === id);
  if (!found) {
    throw new Error(id);
  }
  return found;
}

describe('public views', () => {
  it.each(modules.flatMap((m) => LANGS.map((lang) => [m.id, lang, m] as const)))(
    '%s (%s) shows no answer key, feedback, misconception or score',
    (_id, lang, module) => {
      const json = JSON.stringify(toPublicModule(module, lang, 'seed-1'));
      expect(json).not.toMatch(SECRET_KEYS);
      for (const item of module.assessment.items) {
        for (const secret of secretTexts(item, lang)) {
          // Short feedback ("Right.") may also be an option's text; longer text must not appear.
          if (secret.length > 12) {
            expect(json).not.toContain(JSON.stringify(secret).slice(1, -1));
          }
        }
      }
      const publicItems = toPublicModule(module, lang, 'seed-1').assessment.items;
      module.assessment.items.forEach((item, index) => {
        const view = publicItems[index];
        if (item.type === 'ordering' && view.type === 'ordering') {
          const ids = view.steps.map((s) => s.id);
          expect(ids.some((id) => item.steps.some((s) => s.id === id))).toBe(false);
          expect(view.steps.map((s) => s.text)).not.toEqual(item.steps.map((s) => s.text[lang]));
        }
        if (item.type === 'matching' && view.type === 'matching') {
          expect(view.rights.some((r) => item.pairs.some((p) => p.id === r.id))).toBe(false);
          expect(view.rights.map((r) => r.text)).not.toEqual(item.pairs.map((p) => p.right[lang]));
        }
      });
    },
  );

  it('shows only the first scenario node, without scores or where choices lead', () => {
    const view = toPublicItem(itemOf('q6'), 'en', 's');
    expect(view).toEqual({
      id: 'q6',
      type: 'scenario',
      objective: 'o2',
      points: 1,
      prompt: 'Lan is playing Roblox when a stranger messages her.',
      start: {
        done: false,
        nodeId: 'n1',
        text: 'They write: "Send me your photo and I\'ll give you a gift."',
        choices: [
          { id: 'c1', text: 'Do not reply, call Mum' },
          { id: 'c2', text: 'Ask who they are' },
          { id: 'c3', text: 'Send a photo for the gift' },
        ],
      },
    });
  });

  it('shows the same order for the same seed, and another order for another seed', () => {
    const orders = (seed: string): string[][] =>
      ['q4', 'q5'].map((id) => {
        const view: PublicItem = toPublicItem(itemOf(id), 'vi', seed);
        return view.type === 'ordering'
          ? view.steps.map((s) => s.text)
          : view.type === 'matching'
            ? view.rights.map((r) => r.text)
            : [];
      });
    expect(orders('attempt-1')).toEqual(orders('attempt-1'));
    const seeds = ['a', 'b', 'c', 'd', 'e', 'f'].map((seed) => JSON.stringify(orders(seed)));
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('turns public answers back into model ids for grading', () => {
    const seed = 'attempt-42';
    const view = toPublicModule(safeChat, 'en', seed);
    const ordering = view.assessment.items.find((i) => i.id === 'q4');
    const matching = view.assessment.items.find((i) => i.id === 'q5');
    if (ordering?.type !== 'ordering' || matching?.type !== 'matching') {
      throw new Error('fixture changed');
    }
    const stepByText = new Map(ordering.steps.map((s) => [s.text, s.id]));
    const rightByText = new Map(matching.rights.map((r) => [r.text, r.id]));
    const answers = fromPublicAnswers(
      safeChat,
      {
        q1: 'a',
        q4: ['Stop, do not reply', 'Take a screenshot', 'Tell an adult', 'Block and report'].map(
          (text) => stepByText.get(text),
        ),
        q5: { m1: rightByText.get('Call 111'), m2: rightByText.get('Your class teacher') },
      },
      seed,
    );
    expect(answers).toEqual({
      q1: 'a',
      q4: ['s1', 's2', 's3', 's4'],
      q5: { m1: 'm1', m2: 'm3' },
    });
    const result = gradeAttempt(safeChat, answers);
    expect(result.items.find((r) => r.itemId === 'q4')?.score).toBe(1);
    expect(result.items.find((r) => r.itemId === 'q5')?.score).toBe(0.3333);

    expect(() => fromPublicAnswers(safeChat, { q4: ['s1', 's2', 's3', 's4'] }, seed)).toThrow(
      CurriculaException,
    );
    expect(() => fromPublicAnswers(safeChat, { q4: [...stepByText.values()] }, 'other')).toThrow(
      'item "q4": unknown answer id',
    );
  });

  it('walks a scenario node by node', () => {
    const q6 = itemOf('q6');
    if (q6.type !== 'scenario') {
      throw new Error('fixture changed');
    }
    expect(scenarioStep(q6, [], 'vi')).toMatchObject({ done: false, nodeId: 'n1' });
    expect(scenarioStep(q6, ['c2'], 'en')).toEqual({
      done: false,
      nodeId: 'n3',
      text: "They say they are your friend's cousin and ask again.",
      choices: [
        { id: 'c1', text: 'Stop and tell an adult' },
        { id: 'c2', text: 'Send it because they know your friend' },
      ],
    });
    expect(scenarioStep(q6, ['c2', 'c1'], 'en')).toEqual({ done: true });
    expect(scenarioStep(q6, ['c3'], 'en')).toEqual({ done: true });
    expect(() => scenarioStep(q6, ['c9'], 'en')).toThrow('"c9" is not a choice at node "n1"');
    expect(() => scenarioStep(q6, ['c3', 'c1'], 'en')).toThrow('comes after the story has ended');
  });

  it('builds a band check view', () => {
    const [check] = fixture.checks;
    const view = toPublicCheck(check, 'en', 's');
    expect(view).toMatchObject({ id: 'check-upper-primary', band: 'upper-primary', lang: 'en' });
    expect(view.items).toHaveLength(8);
    expect(JSON.stringify(view)).not.toMatch(SECRET_KEYS);
  });
});

import type { PublicItem } from '@lib/curricula';
import { FormProblem, isAnswered, itemView, parseItemForm } from './player-view.util';

const LABELS = { true: 'True', false: 'False' };
const single: PublicItem = {
  id: 'q1',
  type: 'single',
  objective: 'o1',
  points: 1,
  prompt: 'Which?',
  options: [
    { id: 'a', text: 'A' },
    { id: 'b', text: 'B' },
  ],
};
const multiple: PublicItem = { ...single, id: 'q2', type: 'multiple' };
const truefalse: PublicItem = {
  id: 'q3',
  type: 'truefalse',
  objective: 'o1',
  points: 1,
  prompt: 'True?',
};
const ordering: PublicItem = {
  id: 'q4',
  type: 'ordering',
  objective: 'o1',
  points: 1,
  prompt: 'Order',
  steps: [
    { id: 'k1', text: 'One' },
    { id: 'k2', text: 'Two' },
    { id: 'k3', text: 'Three' },
  ],
};
const matching: PublicItem = {
  id: 'q5',
  type: 'matching',
  objective: 'o1',
  points: 1,
  prompt: 'Match',
  lefts: [
    { id: 'm1', text: 'L1' },
    { id: 'm2', text: 'L2' },
  ],
  rights: [
    { id: 'r9', text: 'R2' },
    { id: 'r8', text: 'R1' },
  ],
};
const scenario: PublicItem = {
  id: 'q6',
  type: 'scenario',
  objective: 'o1',
  points: 1,
  prompt: 'Story',
  start: {
    done: false,
    nodeId: 'n1',
    text: 'Start',
    choices: [
      { id: 'c1', text: 'Go' },
      { id: 'c2', text: 'Stop' },
    ],
  },
};

describe('question forms', () => {
  it('reads what each kind of question posts, in the ids the page showed', () => {
    expect(parseItemForm(single, { answer: 'b' })).toBe('b');
    expect(parseItemForm(single, {})).toBeNull();
    expect(parseItemForm(multiple, { answer: ['a', 'b', 'a'] })).toEqual(['a', 'b']);
    expect(parseItemForm(multiple, { answer: 'a' })).toEqual(['a']);
    expect(parseItemForm(truefalse, { answer: 'false' })).toBe(false);
    expect(parseItemForm(truefalse, { answer: 'maybe' })).toBeNull();
    expect(parseItemForm(ordering, { pos_k1: '3', pos_k2: '1', pos_k3: '2' })).toEqual([
      'k2',
      'k3',
      'k1',
    ]);
    expect(parseItemForm(matching, { match_m1: 'r8', match_m2: '' })).toEqual({ m1: 'r8' });
    expect(parseItemForm(matching, {})).toBeNull();
  });

  it('refuses an ordering that uses a position twice (the page asks again)', () => {
    expect(() => parseItemForm(ordering, { pos_k1: '1', pos_k2: '1', pos_k3: '2' })).toThrow(
      FormProblem,
    );
    expect(() => parseItemForm(ordering, { pos_k1: '1', pos_k2: '2', pos_k3: '9' })).toThrow(
      FormProblem,
    );
  });

  it('shows the saved response ticked, and the saved order', () => {
    expect(itemView(single, 'b', LABELS).single?.map((c) => c.checked)).toEqual([false, true]);
    expect(itemView(multiple, ['a'], LABELS).multiple?.map((c) => c.checked)).toEqual([
      true,
      false,
    ]);
    expect(itemView(truefalse, false, LABELS).truefalse?.map((c) => [c.text, c.checked])).toEqual([
      ['True', false],
      ['False', true],
    ]);
    const rows = itemView(ordering, ['k3', 'k1', 'k2'], LABELS).ordering!;
    expect(rows.map((r) => r.text)).toEqual(['Three', 'One', 'Two']);
    expect(rows.map((r) => r.positions.find((p) => p.selected)?.value)).toEqual([1, 2, 3]);
    const match = itemView(matching, { m2: 'r9' }, LABELS).matching!;
    expect(match[1].rights.find((r) => r.selected)?.text).toBe('R2');
    expect(new Set(rows.map((r) => r.inputId)).size).toBe(3);
  });

  it('tells a story so far from public steps only', () => {
    const view = itemView(scenario, ['c1'], LABELS, (path) =>
      path.length === 1
        ? { done: true }
        : scenario.type === 'scenario'
          ? scenario.start
          : { done: true },
    );
    expect(view.scenario).toEqual({ history: [{ text: 'Start', chosen: 'Go' }], current: null });
    expect(itemView(scenario, undefined, LABELS).scenario?.current?.choices).toHaveLength(2);
  });

  it('counts empty lists and maps as not answered', () => {
    expect([undefined, null, [], {}, 'a', false, ['x']].map(isAnswered)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});

import { SCENARIO_DECISION_POINTS } from '../curricula.constants';
import type {
  AssessmentItem,
  CurriculaProblem,
  LocalizedText,
  ScenarioItem,
} from '../models/curriculum.model';
import type { YamlPath, YamlSource } from './yaml-source.util';

// Learners see option and choice ids in the page source; a word like "correct" gives it away.
const TELLING_ID_WORDS = new Set([
  'correct',
  'incorrect',
  'right',
  'wrong',
  'good',
  'bad',
  'best',
  'worst',
  'safe',
  'unsafe',
  'risky',
]);

function tellingId(id: string): boolean {
  return id
    .toLowerCase()
    .split(/[-_]/)
    .some((part) => TELLING_ID_WORDS.has(part.replace(/\d+$/, '')));
}

/** Reports the second and later entries whose id repeats an earlier one. */
export function checkUniqueIds(
  entries: ReadonlyArray<{ id: string }>,
  listPath: YamlPath,
  what: string,
  scope: string,
  source: YamlSource,
): CurriculaProblem[] {
  const seen = new Set<string>();
  const problems: CurriculaProblem[] = [];
  entries.forEach((entry, index) => {
    if (seen.has(entry.id)) {
      problems.push(
        source.problem(
          [...listPath, index, 'id'],
          `${what} id "${entry.id}" is used twice ${scope}`,
        ),
      );
    }
    seen.add(entry.id);
  });
  return problems;
}

function checkDistinctTexts(
  texts: ReadonlyArray<LocalizedText>,
  pathOf: (index: number) => YamlPath,
  what: string,
  source: YamlSource,
): CurriculaProblem[] {
  const problems: CurriculaProblem[] = [];
  for (const lang of ['vi', 'en'] as const) {
    const seen = new Map<string, number>();
    texts.forEach((text, index) => {
      const normalized = text[lang].trim().toLowerCase();
      const first = seen.get(normalized);
      if (first !== undefined) {
        problems.push(
          source.problem(
            pathOf(index),
            `${what} ${index + 1} has the same ${lang} text as ${what} ${first + 1}`,
          ),
        );
      } else {
        seen.set(normalized, index);
      }
    });
  }
  return problems;
}

/** Checks one assessment item beyond the schema; `path` is the item's YAML path. */
export function checkItem(
  item: AssessmentItem,
  path: YamlPath,
  source: YamlSource,
): CurriculaProblem[] {
  const scope = `in item "${item.id}"`;
  switch (item.type) {
    case 'single':
    case 'multiple': {
      const problems = [
        ...checkUniqueIds(item.options, [...path, 'options'], 'option', scope, source),
        ...checkDistinctTexts(
          item.options.map((option) => option.text),
          (index) => [...path, 'options', index, 'text'],
          'option',
          source,
        ),
      ];
      const correct = item.options.filter((option) => option.correct).length;
      if (item.type === 'single' && correct !== 1) {
        problems.push(
          source.problem(
            [...path, 'options'],
            `single-choice item "${item.id}" must have exactly one correct option (found ${correct})`,
          ),
        );
      }
      if (item.type === 'multiple' && correct < 2) {
        problems.push(
          source.problem(
            [...path, 'options'],
            `multiple-choice item "${item.id}" must have at least 2 correct options (found ${correct})`,
          ),
        );
      }
      item.options.forEach((option, index) => {
        if (option.correct && option.misconception) {
          problems.push(
            source.problem(
              [...path, 'options', index, 'misconception'],
              `option "${option.id}" is correct, so it cannot carry a misconception`,
            ),
          );
        }
        if (tellingId(option.id)) {
          problems.push(
            source.problem(
              [...path, 'options', index, 'id'],
              `option id "${option.id}" hints at the answer (learners can see ids); use a, b, c…`,
            ),
          );
        }
      });
      return problems;
    }
    case 'truefalse':
      return [];
    case 'ordering':
      return [
        ...checkUniqueIds(item.steps, [...path, 'steps'], 'step', scope, source),
        ...checkDistinctTexts(
          item.steps.map((step) => step.text),
          (index) => [...path, 'steps', index, 'text'],
          'step',
          source,
        ),
      ];
    case 'matching':
      return [
        ...checkUniqueIds(item.pairs, [...path, 'pairs'], 'pair', scope, source),
        ...checkDistinctTexts(
          item.pairs.map((pair) => pair.left),
          (index) => [...path, 'pairs', index, 'left'],
          'left of pair',
          source,
        ),
        ...checkDistinctTexts(
          item.pairs.map((pair) => pair.right),
          (index) => [...path, 'pairs', index, 'right'],
          'right of pair',
          source,
        ),
      ];
    case 'scenario':
      return checkScenario(item, path, source);
  }
}

function checkScenario(item: ScenarioItem, path: YamlPath, source: YamlSource): CurriculaProblem[] {
  const problems = checkUniqueIds(
    item.nodes,
    [...path, 'nodes'],
    'node',
    `in scenario "${item.id}"`,
    source,
  );
  const nodes = new Map(item.nodes.map((node) => [node.id, node]));
  const nodeIndex = new Map(item.nodes.map((node, index) => [node.id, index]));

  item.nodes.forEach((node, n) => {
    const nodePath = [...path, 'nodes', n];
    problems.push(
      ...checkUniqueIds(
        node.choices,
        [...nodePath, 'choices'],
        'choice',
        `in node "${node.id}"`,
        source,
      ),
    );
    node.choices.forEach((choice, c) => {
      const choicePath = [...nodePath, 'choices', c];
      if (choice.next !== undefined && !nodes.has(choice.next)) {
        problems.push(
          source.problem(
            [...choicePath, 'next'],
            `choice "${choice.id}" leads to node "${choice.next}", which does not exist`,
          ),
        );
      }
      if (choice.misconception && choice.score >= 1) {
        problems.push(
          source.problem(
            [...choicePath, 'misconception'],
            `choice "${choice.id}" has the best score, so it cannot carry a misconception`,
          ),
        );
      }
      if (tellingId(choice.id)) {
        problems.push(
          source.problem(
            [...choicePath, 'id'],
            `choice id "${choice.id}" hints at the answer (learners can see ids); use c1, c2…`,
          ),
        );
      }
    });
  });

  if (!nodes.has(item.start)) {
    problems.push(
      source.problem(
        [...path, 'start'],
        `scenario "${item.id}" starts at node "${item.start}", which does not exist`,
      ),
    );
    return problems;
  }

  // Depth-first walk from the start: finds cycles, unreachable nodes and the longest story.
  const state = new Map<string, 'visiting' | 'done'>();
  const depth = new Map<string, number>();
  const cycles = new Set<string>();
  const walk = (id: string): number => {
    const known = state.get(id);
    if (known === 'done') {
      return depth.get(id) ?? 0;
    }
    if (known === 'visiting') {
      return 0;
    }
    state.set(id, 'visiting');
    let longest = 0;
    const node = nodes.get(id);
    node?.choices.forEach((choice, c) => {
      if (choice.next === undefined || !nodes.has(choice.next)) {
        return;
      }
      if (state.get(choice.next) === 'visiting') {
        const key = `${id}\0${c}`;
        if (!cycles.has(key)) {
          cycles.add(key);
          problems.push(
            source.problem(
              [...path, 'nodes', nodeIndex.get(id) ?? 0, 'choices', c, 'next'],
              `choice "${choice.id}" goes back to node "${choice.next}": the story has a loop, so a path could never end`,
            ),
          );
        }
        return;
      }
      longest = Math.max(longest, walk(choice.next));
    });
    state.set(id, 'done');
    depth.set(id, longest + 1);
    return longest + 1;
  };
  const decisions = walk(item.start);

  item.nodes.forEach((node, n) => {
    if (!state.has(node.id)) {
      problems.push(
        source.problem(
          [...path, 'nodes', n, 'id'],
          `node "${node.id}" cannot be reached from the start "${item.start}"`,
        ),
      );
    }
  });
  if (
    cycles.size === 0 &&
    (decisions < SCENARIO_DECISION_POINTS.min || decisions > SCENARIO_DECISION_POINTS.max)
  ) {
    problems.push(
      source.problem(
        [...path, 'nodes'],
        `scenario "${item.id}" has ${decisions} decision point(s) on its longest path; it must have ${SCENARIO_DECISION_POINTS.min}–${SCENARIO_DECISION_POINTS.max}`,
      ),
    );
  }
  return problems;
}

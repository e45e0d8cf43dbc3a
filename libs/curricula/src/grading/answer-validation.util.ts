import { CurriculaErrorCode, CurriculaException } from '../curricula.exception';
import type { ScenarioChoice, ScenarioItem, ScenarioNode } from '../models/curriculum.model';

export function invalidAnswer(itemId: string, message: string): CurriculaException {
  return new CurriculaException(CurriculaErrorCode.INVALID_ANSWER, `item "${itemId}": ${message}`, {
    itemId,
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectString(itemId: string, value: unknown, what: string): string {
  if (typeof value !== 'string') {
    throw invalidAnswer(itemId, `expected ${what} (a string)`);
  }
  return value;
}

/** A list of distinct strings, each one of `known`. */
export function expectIdList(
  itemId: string,
  value: unknown,
  known: ReadonlySet<string>,
  what: string,
): string[] {
  if (!Array.isArray(value)) {
    throw invalidAnswer(itemId, `expected a list of ${what} ids`);
  }
  const seen = new Set<string>();
  for (const entry of value) {
    const id = expectString(itemId, entry, `a ${what} id`);
    if (!known.has(id)) {
      throw invalidAnswer(itemId, `unknown ${what} "${id}"`);
    }
    if (seen.has(id)) {
      throw invalidAnswer(itemId, `${what} "${id}" is given twice`);
    }
    seen.add(id);
  }
  return [...seen];
}

/**
 * Follows a scenario path from the start; throws on an unknown choice or a choice after the end.
 * `node` is where the path stops: undefined when the story has ended.
 */
export function walkScenario(
  item: ScenarioItem,
  path: unknown,
): { taken: ScenarioChoice[]; node: ScenarioNode | undefined } {
  if (!Array.isArray(path)) {
    throw invalidAnswer(item.id, 'expected the list of choice ids taken through the story');
  }
  const nodes = new Map(item.nodes.map((node) => [node.id, node]));
  let node = nodes.get(item.start);
  const taken: ScenarioChoice[] = [];
  for (const entry of path) {
    const id = expectString(item.id, entry, 'a choice id');
    if (!node) {
      throw invalidAnswer(item.id, `choice "${id}" comes after the story has ended`);
    }
    const choice = node.choices.find((c) => c.id === id);
    if (!choice) {
      throw invalidAnswer(item.id, `"${id}" is not a choice at node "${node.id}"`);
    }
    taken.push(choice);
    node = choice.next === undefined ? undefined : nodes.get(choice.next);
  }
  return { taken, node };
}

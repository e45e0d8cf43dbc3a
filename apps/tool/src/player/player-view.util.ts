import type { PublicItem, PublicScenarioStep } from '@lib/curricula';

/** A form body as express's urlencoded parser gives it. */
export type FormBody = Record<string, string | string[] | undefined>;

export interface ChoiceView {
  id: string;
  text: string;
  checked: boolean;
  inputId: string;
}

export interface OrderingRowView {
  id: string;
  text: string;
  inputId: string;
  positions: Array<{ value: number; selected: boolean }>;
}

export interface MatchingRowView {
  id: string;
  text: string;
  inputId: string;
  rights: Array<{ id: string; text: string; selected: boolean }>;
}

export interface ScenarioView {
  /** The story so far: each decision point and the choice taken. */
  history: Array<{ text: string; chosen: string }>;
  /** The decision to take now, or null when the story has ended. */
  current: { text: string; choices: ChoiceView[] } | null;
}

/** What a question template needs: one of the shapes below, by type. */
export interface ItemView {
  id: string;
  type: PublicItem['type'];
  prompt: string;
  points: number;
  single?: ChoiceView[];
  multiple?: ChoiceView[];
  truefalse?: ChoiceView[];
  ordering?: OrderingRowView[];
  matching?: MatchingRowView[];
  scenario?: ScenarioView;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;

const list = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String);

/**
 * The question as the form shows it, with the learner's saved response ticked. `storySteps`
 * gives the node after each prefix of a scenario path (public views only: no scores, no feedback).
 */
export function itemView(
  item: PublicItem,
  saved: unknown,
  labels: { true: string; false: string },
  storySteps?: (path: string[]) => PublicScenarioStep,
): ItemView {
  const base = { id: item.id, type: item.type, prompt: item.prompt, points: item.points };
  const inputId = (suffix: string): string =>
    `${item.id}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, '_');
  switch (item.type) {
    case 'single': {
      const chosen = typeof saved === 'string' ? saved : undefined;
      return {
        ...base,
        single: item.options.map((o) => ({
          ...o,
          checked: o.id === chosen,
          inputId: inputId(o.id),
        })),
      };
    }
    case 'multiple': {
      const chosen = new Set(Array.isArray(saved) ? saved.map(String) : []);
      return {
        ...base,
        multiple: item.options.map((o) => ({
          ...o,
          checked: chosen.has(o.id),
          inputId: inputId(o.id),
        })),
      };
    }
    case 'truefalse':
      return {
        ...base,
        truefalse: [
          { id: 'true', text: labels.true, checked: saved === true, inputId: inputId('true') },
          { id: 'false', text: labels.false, checked: saved === false, inputId: inputId('false') },
        ],
      };
    case 'ordering': {
      const order = Array.isArray(saved) ? saved.map(String) : [];
      const rows =
        order.length === item.steps.length
          ? order.map((id) => item.steps.find((s) => s.id === id)).filter((s) => s !== undefined)
          : item.steps;
      return {
        ...base,
        ordering: rows.map((step, index) => ({
          id: step.id,
          text: step.text,
          inputId: inputId(`pos-${step.id}`),
          positions: rows.map((_, p) => ({ value: p + 1, selected: p === index })),
        })),
      };
    }
    case 'matching': {
      const map =
        saved && typeof saved === 'object' && !Array.isArray(saved)
          ? (saved as Record<string, string>)
          : {};
      return {
        ...base,
        matching: item.lefts.map((left) => ({
          id: left.id,
          text: left.text,
          inputId: inputId(`match-${left.id}`),
          rights: item.rights.map((r) => ({
            id: r.id,
            text: r.text,
            selected: map[left.id] === r.id,
          })),
        })),
      };
    }
    case 'scenario': {
      const path = Array.isArray(saved) ? saved.map(String) : [];
      const history: ScenarioView['history'] = [];
      let step: PublicScenarioStep = item.start;
      for (let i = 0; i < path.length && storySteps; i++) {
        if (step.done) {
          break;
        }
        const chosen = step.choices.find((c) => c.id === path[i]);
        history.push({ text: step.text, chosen: chosen?.text ?? '' });
        step = storySteps(path.slice(0, i + 1));
      }
      return {
        ...base,
        scenario: {
          history,
          current: step.done
            ? null
            : {
                text: step.text,
                choices: step.choices.map((c) => ({
                  ...c,
                  checked: false,
                  inputId: inputId(`c-${history.length}-${c.id}`),
                })),
              },
        },
      };
    }
  }
}

export class FormProblem extends Error {
  constructor(readonly reason: 'order' | 'missing') {
    super(reason);
  }
}

/**
 * The response a question form posted, in the public ids the page showed (null: nothing
 * chosen, which clears a saved answer). Throws {@link FormProblem} when an ordering uses a
 * position twice. Scenario decisions are posted one by one (`choice`), not here.
 */
export function parseItemForm(item: PublicItem, body: FormBody): unknown {
  switch (item.type) {
    case 'single': {
      const id = str(body.answer);
      return id ? id : null;
    }
    case 'multiple': {
      const ids = list(body.answer).filter(Boolean);
      return ids.length ? [...new Set(ids)] : null;
    }
    case 'truefalse': {
      const value = str(body.answer);
      return value === 'true' ? true : value === 'false' ? false : null;
    }
    case 'ordering': {
      const positions = item.steps.map((step) => ({
        id: step.id,
        pos: Number(str(body[`pos_${step.id}`])),
      }));
      if (positions.every((p) => !Number.isFinite(p.pos) || p.pos === 0)) {
        return null;
      }
      const used = new Set(positions.map((p) => p.pos));
      const valid = positions.every(
        (p) => Number.isInteger(p.pos) && p.pos >= 1 && p.pos <= positions.length,
      );
      if (!valid || used.size !== positions.length) {
        throw new FormProblem('order');
      }
      return positions.sort((a, b) => a.pos - b.pos).map((p) => p.id);
    }
    case 'matching': {
      const map: Record<string, string> = {};
      for (const left of item.lefts) {
        const right = str(body[`match_${left.id}`]);
        if (right) {
          map[left.id] = right;
        }
      }
      return Object.keys(map).length ? map : null;
    }
    case 'scenario':
      return undefined;
  }
}

/** Whether a saved response counts as an answer on the review page. */
export function isAnswered(saved: unknown): boolean {
  if (saved === undefined || saved === null) {
    return false;
  }
  if (Array.isArray(saved)) {
    return saved.length > 0;
  }
  if (typeof saved === 'object') {
    return Object.keys(saved).length > 0;
  }
  return true;
}

import type { AttemptAnswers } from '../models/attempt.model';
import type {
  AssessmentItem,
  BandCheck,
  CurriculumModule,
  Language,
  ScenarioItem,
  ScenarioNode,
} from '../models/curriculum.model';
import type {
  PublicBandCheck,
  PublicItem,
  PublicModule,
  PublicScenarioStep,
} from '../models/public-item.model';
import { invalidAnswer, isPlainObject, walkScenario } from './answer-validation.util';
import { publicToken, seededShuffle } from './shuffle.util';

// Everything here is built field by field from the model: a field added to the model later
// (an answer, a score) cannot reach the browser by accident.

function nodeView(node: ScenarioNode | undefined, lang: Language): PublicScenarioStep {
  if (!node) {
    return { done: true };
  }
  return {
    done: false,
    nodeId: node.id,
    text: node.text[lang],
    choices: node.choices.map((choice) => ({ id: choice.id, text: choice.text[lang] })),
  };
}

/** An item as the browser may see it before submission: no key, feedback, misconception or score. */
export function toPublicItem(item: AssessmentItem, lang: Language, seed: string): PublicItem {
  const base = {
    id: item.id,
    objective: item.objective,
    points: item.points,
    prompt: item.prompt[lang],
  };
  switch (item.type) {
    case 'single':
    case 'multiple':
      return {
        ...base,
        type: item.type,
        options: item.options.map((option) => ({ id: option.id, text: option.text[lang] })),
      };
    case 'truefalse':
      return { ...base, type: 'truefalse' };
    case 'ordering':
      return {
        ...base,
        type: 'ordering',
        steps: seededShuffle(item.steps, seed, item.id, 'steps').map((step) => ({
          id: publicToken(seed, item.id, 'step', step.id),
          text: step.text[lang],
        })),
      };
    case 'matching':
      return {
        ...base,
        type: 'matching',
        lefts: item.pairs.map((pair) => ({ id: pair.id, text: pair.left[lang] })),
        rights: seededShuffle(item.pairs, seed, item.id, 'rights').map((pair) => ({
          id: publicToken(seed, item.id, 'right', pair.id),
          text: pair.right[lang],
        })),
      };
    case 'scenario':
      return {
        ...base,
        type: 'scenario',
        start: nodeView(
          item.nodes.find((node) => node.id === item.start),
          lang,
        ),
      };
  }
}

/** A module as the browser may see it before submission (page text is rendered separately). */
export function toPublicModule(
  module: CurriculumModule,
  lang: Language,
  seed: string,
): PublicModule {
  return {
    id: module.id,
    version: module.version,
    lang,
    band: module.band,
    grades: [...module.grades],
    durationMinutes: module.durationMinutes,
    title: module.title[lang],
    summary: module.summary[lang],
    essentialQuestion: module.essentialQuestion[lang],
    tags: {
      ukcis: [...module.tags.ukcis],
      risk: [...module.tags.risk],
      competency: [...module.tags.competency],
      topics: [...module.tags.topics],
    },
    objectives: module.objectives.map((o) => ({ id: o.id, text: o.text[lang] })),
    vocabulary: module.vocabulary.map((v) => ({
      term: v.term[lang],
      definition: v.definition[lang],
    })),
    pages: module.pages.map((page) => ({ id: page.id, title: page.title[lang] })),
    assessment: {
      passPercent: module.assessment.passPercent,
      items: module.assessment.items.map((item) => toPublicItem(item, lang, seed)),
    },
  };
}

/** A band pre/post check as the browser may see it. */
export function toPublicCheck(check: BandCheck, lang: Language, seed: string): PublicBandCheck {
  return {
    id: check.id,
    lang,
    band: check.band,
    title: check.title[lang],
    items: check.items.map((item) => toPublicItem(item, lang, seed)),
  };
}

/**
 * The next scenario node after the choices taken so far (`[]` → the start node), or
 * `{ done: true }` at the end of the story. Throws INVALID_ANSWER for a path that is not possible.
 */
export function scenarioStep(
  item: ScenarioItem,
  pathSoFar: readonly string[],
  lang: Language,
): PublicScenarioStep {
  return nodeView(walkScenario(item, pathSoFar).node, lang);
}

/**
 * Turns answers given with the public ids of `toPublicItem` (opaque tokens for ordering steps and
 * matching rights) back into the model's ids, for `gradeAttempt`. Use the seed the items were
 * shown with. Other responses pass through unchanged (gradeAttempt validates them).
 */
export function fromPublicAnswers(
  source: CurriculumModule | BandCheck,
  answers: AttemptAnswers,
  seed: string,
): AttemptAnswers {
  if (!isPlainObject(answers)) {
    return answers; // gradeAttempt rejects it
  }
  const items = 'assessment' in source ? source.assessment.items : source.items;
  const byId = new Map(items.map((item) => [item.id, item]));
  const out: Record<string, unknown> = {};
  for (const [itemId, response] of Object.entries(answers)) {
    const item = byId.get(itemId);
    out[itemId] = item ? fromPublicResponse(item, response, seed) : response;
  }
  return out;
}

function fromPublicResponse(item: AssessmentItem, response: unknown, seed: string): unknown {
  const decode = (tokens: Map<string, string>, token: unknown): unknown => {
    if (typeof token !== 'string') {
      return token;
    }
    const id = tokens.get(token);
    if (id === undefined) {
      throw invalidAnswer(item.id, `unknown answer id "${token}"`);
    }
    return id;
  };
  switch (item.type) {
    case 'ordering': {
      if (!Array.isArray(response)) {
        return response;
      }
      const tokens = new Map(
        item.steps.map((step) => [publicToken(seed, item.id, 'step', step.id), step.id]),
      );
      return response.map((token) => decode(tokens, token));
    }
    case 'matching': {
      if (!isPlainObject(response)) {
        return response;
      }
      const tokens = new Map(
        item.pairs.map((pair) => [publicToken(seed, item.id, 'right', pair.id), pair.id]),
      );
      return Object.fromEntries(
        Object.entries(response).map(([left, token]) => [left, decode(tokens, token)]),
      );
    }
    case 'single':
    case 'multiple':
    case 'truefalse':
    case 'scenario':
      return response;
  }
}

import type { AssessmentItem, Language, ScenarioChoice } from '../models/curriculum.model';
import { isPlainObject, walkScenario } from './answer-validation.util';

/**
 * A response (in model ids, as `gradeAttempt` takes it) as one short string, so that equal
 * answers of different learners group together in item analysis: `b`, `a,c` (sorted), `true`,
 * `s2>s1>s3`, `m1=m2;m2=m1` (sorted by left), `c1>c4`. Null for no response.
 */
export function answerKeyOf(item: AssessmentItem, response: unknown): string | null {
  if (response === undefined || response === null) {
    return null;
  }
  let key: string;
  switch (item.type) {
    case 'single':
      key = typeof response === 'string' ? response : JSON.stringify(response);
      break;
    case 'truefalse':
      key = response === true ? 'true' : 'false';
      break;
    case 'multiple':
      key = (response as string[]).map(String).sort().join(',');
      break;
    case 'ordering':
    case 'scenario':
      key = (response as string[]).map(String).join('>');
      break;
    case 'matching':
      key = isPlainObject(response)
        ? Object.keys(response)
            .sort()
            .map((left) => `${left}=${String(response[left])}`)
            .join(';')
        : '';
      break;
  }
  return key.slice(0, 500);
}

const TRUE_FALSE: Record<Language, { true: string; false: string }> = {
  vi: { true: 'Đúng', false: 'Sai' },
  en: { true: 'True', false: 'False' },
};

/** An answer key in words, with the misconception(s) it signals, for the teacher's item analysis. */
export function describeAnswerKey(
  item: AssessmentItem,
  key: string,
  lang: Language,
): { text: string; misconception: string | null } {
  const joinMisconceptions = (list: Array<string | undefined>): string | null => {
    const found = list.filter((text): text is string => Boolean(text));
    return found.length ? [...new Set(found)].join(' ') : null;
  };
  switch (item.type) {
    case 'single':
    case 'multiple': {
      const ids = key ? key.split(',') : [];
      const chosen = item.options.filter((option) => ids.includes(option.id));
      return {
        text: chosen.map((option) => option.text[lang]).join('; '),
        misconception: joinMisconceptions(chosen.map((option) => option.misconception?.[lang])),
      };
    }
    case 'truefalse': {
      const value = key === 'true';
      return {
        text: TRUE_FALSE[lang][value ? 'true' : 'false'],
        misconception: value !== item.answer ? (item.misconception?.[lang] ?? null) : null,
      };
    }
    case 'ordering': {
      const steps = new Map(item.steps.map((step) => [step.id, step.text[lang]]));
      return {
        text: key
          .split('>')
          .map((id) => steps.get(id) ?? id)
          .join(' → '),
        misconception: null,
      };
    }
    case 'matching': {
      const pairs = new Map(item.pairs.map((pair) => [pair.id, pair]));
      return {
        text: key
          .split(';')
          .filter(Boolean)
          .map((entry) => {
            const [left, right] = entry.split('=');
            return `${pairs.get(left)?.left[lang] ?? left} → ${pairs.get(right)?.right[lang] ?? right}`;
          })
          .join('; '),
        misconception: null,
      };
    }
    case 'scenario': {
      // Choice ids repeat from node to node: only the walk from the start gives their meaning.
      let taken: ScenarioChoice[] = [];
      try {
        taken = walkScenario(item, key.split('>')).taken;
      } catch {
        taken = [];
      }
      return {
        text: taken.map((choice) => choice.text[lang]).join(' → '),
        misconception: joinMisconceptions(taken.map((choice) => choice.misconception?.[lang])),
      };
    }
  }
}

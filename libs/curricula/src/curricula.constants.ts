import type { BandId, Language } from './models/curriculum.model';

export const LANGUAGES: readonly Language[] = ['vi', 'en'];

/** The bands exactly as FORMAT.md fixes them; `bands.yaml` must agree. */
export const FORMAT_BANDS: ReadonlyArray<{
  id: BandId;
  prefix: string;
  grades: readonly number[];
  readingLimits: { vi: number; en: number };
}> = [
  { id: 'early-primary', prefix: 'ep-', grades: [1, 2], readingLimits: { vi: 110, en: 80 } },
  { id: 'upper-primary', prefix: 'up-', grades: [3, 4, 5], readingLimits: { vi: 190, en: 140 } },
  {
    id: 'lower-secondary',
    prefix: 'ls-',
    grades: [6, 7, 8, 9],
    readingLimits: { vi: 270, en: 200 },
  },
  {
    id: 'upper-secondary',
    prefix: 'us-',
    grades: [10, 11, 12],
    readingLimits: { vi: 350, en: 260 },
  },
];

export const FAMILY_NOTE_WORD_LIMITS: Readonly<Record<Language, number>> = { vi: 330, en: 250 };

export const LESSON_PLAN_MINUTES = { min: 35, max: 45 } as const;
export const QUICK_VERSION_MINUTES = 15;
export const MIN_ITEM_TYPES = 4;
export const SCENARIO_DECISION_POINTS = { min: 2, max: 3 } as const;

export const CHILD_HELPLINE = '111';
export const POLICE = '113';

/** Injection token for {@link CurriculaModuleOptions}. */
export const CURRICULA_OPTIONS = Symbol('CURRICULA_OPTIONS');

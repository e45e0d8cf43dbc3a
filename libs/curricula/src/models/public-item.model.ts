import type { AssessmentItemType, BandId, Language, ModuleTags } from './curriculum.model';

/** What the browser may see of an option, step, side of a pair or scenario choice. */
export interface PublicChoice {
  id: string;
  text: string;
}

interface PublicItemBase {
  id: string;
  type: AssessmentItemType;
  objective: string;
  points: number;
  prompt: string;
}

export interface PublicChoiceItem extends PublicItemBase {
  type: 'single' | 'multiple';
  options: PublicChoice[];
}

export interface PublicTrueFalseItem extends PublicItemBase {
  type: 'truefalse';
}

export interface PublicOrderingItem extends PublicItemBase {
  type: 'ordering';
  /** Shuffled; ids are opaque tokens (see `fromPublicAnswers`). */
  steps: PublicChoice[];
}

export interface PublicMatchingItem extends PublicItemBase {
  type: 'matching';
  /** In authored order; ids are the pair ids. */
  lefts: PublicChoice[];
  /** Shuffled; ids are opaque tokens (see `fromPublicAnswers`). */
  rights: PublicChoice[];
}

/** The scenario node to show next, or the end of the story. */
export type PublicScenarioStep =
  { done: false; nodeId: string; text: string; choices: PublicChoice[] } | { done: true };

export interface PublicScenarioItem extends PublicItemBase {
  type: 'scenario';
  /** The first node; later nodes come from `scenarioStep`. */
  start: PublicScenarioStep;
}

export type PublicItem =
  | PublicChoiceItem
  | PublicTrueFalseItem
  | PublicOrderingItem
  | PublicMatchingItem
  | PublicScenarioItem;

export interface PublicModule {
  id: string;
  version: number;
  lang: Language;
  band: BandId;
  grades: number[];
  durationMinutes: number;
  title: string;
  summary: string;
  essentialQuestion: string;
  tags: ModuleTags;
  objectives: Array<{ id: string; text: string }>;
  vocabulary: Array<{ term: string; definition: string }>;
  pages: Array<{ id: string; title: string }>;
  assessment: { passPercent: number; items: PublicItem[] };
}

export interface PublicBandCheck {
  id: string;
  lang: Language;
  band: BandId;
  title: string;
  items: PublicItem[];
}

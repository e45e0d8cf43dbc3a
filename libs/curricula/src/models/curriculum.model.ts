/** The two languages every curriculum string is written in. */
export type Language = 'vi' | 'en';

/** A human-readable string in both languages (`L` in FORMAT.md). */
export interface LocalizedText {
  vi: string;
  en: string;
}

export type BandId = 'early-primary' | 'upper-primary' | 'lower-secondary' | 'upper-secondary';

/** An age band, as declared in `curricula/bands.yaml`. */
export interface Band {
  id: BandId;
  grades: number[];
  title: LocalizedText;
  /** Maximum words per page, per language. */
  readingLimits: { vi: number; en: number };
  /** Module id prefix, e.g. `up-`. */
  modulePrefix: string;
}

export type UkcisStrand =
  | 'self-image-and-identity'
  | 'online-relationships'
  | 'online-reputation'
  | 'online-bullying'
  | 'managing-online-information'
  | 'health-wellbeing-and-lifestyle'
  | 'privacy-and-security'
  | 'copyright-and-ownership';

export type RiskCategory = 'content' | 'contact' | 'conduct' | 'contract';

export type Topic =
  | 'balance'
  | 'privacy'
  | 'passwords'
  | 'contact'
  | 'bullying'
  | 'scams'
  | 'misinformation'
  | 'ai'
  | 'footprint'
  | 'help';

export interface ModuleTags {
  ukcis: UkcisStrand[];
  risk: RiskCategory[];
  /** Circular 02/2025 competencies, "domain.competency". */
  competency: string[];
  topics: Topic[];
}

export interface Objective {
  id: string;
  text: LocalizedText;
}

export interface VocabularyEntry {
  term: LocalizedText;
  definition: LocalizedText;
}

export interface ModulePage {
  id: string;
  title: LocalizedText;
  /** The Markdown source of `pages/<id>.<lang>.md` (empty when the file is missing). */
  markdown: LocalizedText;
}

/** Feedback shown after submission, depending on whether the answer was right. */
export interface VerdictFeedback {
  correct: LocalizedText;
  incorrect: LocalizedText;
}

interface ItemBase {
  id: string;
  /** An objective id of the module; in a band check, a module id. */
  objective: string;
  /** Defaults to 1. */
  points: number;
  prompt: LocalizedText;
}

export interface ChoiceOption {
  id: string;
  text: LocalizedText;
  correct: boolean;
  feedback: LocalizedText;
  misconception?: LocalizedText;
}

export interface SingleChoiceItem extends ItemBase {
  type: 'single';
  options: ChoiceOption[];
}

export interface MultipleChoiceItem extends ItemBase {
  type: 'multiple';
  options: ChoiceOption[];
}

export interface TrueFalseItem extends ItemBase {
  type: 'truefalse';
  answer: boolean;
  feedback: VerdictFeedback;
  misconception?: LocalizedText;
}

export interface OrderingStep {
  id: string;
  text: LocalizedText;
}

export interface OrderingItem extends ItemBase {
  type: 'ordering';
  /** In the correct order. */
  steps: OrderingStep[];
  feedback: VerdictFeedback;
}

export interface MatchingPair {
  id: string;
  left: LocalizedText;
  right: LocalizedText;
}

export interface MatchingItem extends ItemBase {
  type: 'matching';
  pairs: MatchingPair[];
  feedback: VerdictFeedback;
}

export interface ScenarioChoice {
  id: string;
  text: LocalizedText;
  /** 1 = best, 0.5 = partly safe, 0 = risky. */
  score: number;
  feedback: LocalizedText;
  /** Absent: the story ends after this choice. */
  next?: string;
  misconception?: LocalizedText;
}

export interface ScenarioNode {
  id: string;
  text: LocalizedText;
  choices: ScenarioChoice[];
}

export interface ScenarioItem extends ItemBase {
  type: 'scenario';
  start: string;
  nodes: ScenarioNode[];
}

export type AssessmentItem =
  | SingleChoiceItem
  | MultipleChoiceItem
  | TrueFalseItem
  | OrderingItem
  | MatchingItem
  | ScenarioItem;

export type AssessmentItemType = AssessmentItem['type'];

export interface Assessment {
  passPercent: number;
  items: AssessmentItem[];
}

export interface CurriculumModule {
  id: string;
  version: number;
  band: BandId;
  grades: number[];
  durationMinutes: number;
  title: LocalizedText;
  summary: LocalizedText;
  essentialQuestion: LocalizedText;
  tags: ModuleTags;
  objectives: Objective[];
  vocabulary: VocabularyEntry[];
  pages: ModulePage[];
  assessment: Assessment;
  /** Markdown of `teacher-guide.<lang>.md`. */
  teacherGuide: LocalizedText;
  /** Markdown of `family-note.<lang>.md`. */
  familyNote: LocalizedText;
  /** Languages in which every page, the teacher guide and the family note exist. */
  languages: Language[];
  /** Absolute path of the module folder. */
  dir: string;
}

/** A band's pre/post check (`<band>/_check/check.yaml`); item objectives are module ids. */
export interface BandCheck {
  id: string;
  band: BandId;
  title: LocalizedText;
  items: AssessmentItem[];
}

/** One thing wrong with the content, at a line of a file. */
export interface CurriculaProblem {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

export interface LoadedCurricula {
  /** Absolute path of the curricula folder. */
  dir: string;
  bands: Band[];
  /** Modules whose module.yaml matched the schema, ordered by band then id. */
  modules: CurriculumModule[];
  checks: BandCheck[];
  problems: CurriculaProblem[];
}

/**
 * @lib/curricula — loads and checks the `curricula/` folder (FORMAT.md), serves the catalog,
 * renders lesson Markdown to safe HTML, and grades attempts on the server.
 */

/** Nest module: `CurriculaModule.forRoot({ dir })` loads and checks the folder once at boot. */
export { CurriculaModule } from './curricula.module';
/** Catalog of the loaded modules: list/filter, get, band checks, page rendering, media files. */
export {
  CatalogService,
  foldForSearch,
  type CatalogEntry,
  type CatalogFilter,
  type CurriculaModuleOptions,
  type RenderedDocument,
} from './catalog.service';
/** Error codes and the exception every curricula failure is thrown as. */
export {
  CurriculaErrorCode,
  CurriculaException,
  curriculaErrorStatus,
} from './curricula.exception';
/** The band table and limits fixed by FORMAT.md. */
export {
  CURRICULA_OPTIONS,
  FAMILY_NOTE_WORD_LIMITS,
  FORMAT_BANDS,
  LANGUAGES,
} from './curricula.constants';

/** Reads and checks a curricula folder; returns typed models and every problem with its line. */
export { formatProblem, loadCurricula } from './loader/load-curricula.util';
/** The checker CLI as a function (used by `cli/curricula-check.ts`). */
export { runCurriculaCheck, type CheckOutput } from './cli/run-check.util';

/** Server-side grading: score, feedback, misconceptions, totals and mastery per objective. */
export { gradeAttempt, masteryLevel } from './grading/grade-attempt.util';
/** What the browser may see before submission, and the way back from its ids. */
export {
  fromPublicAnswers,
  scenarioStep,
  toPublicCheck,
  toPublicItem,
  toPublicModule,
} from './grading/public-view.util';

/** The Markdown subset of FORMAT.md rendered to escaped HTML. */
export {
  countWords,
  escapeHtml,
  renderMarkdown,
  type MarkdownRenderOptions,
} from './markdown/markdown.util';

/** Content models (module.yaml, check.yaml, bands.yaml). */
export type {
  Assessment,
  AssessmentItem,
  AssessmentItemType,
  Band,
  BandCheck,
  BandId,
  ChoiceOption,
  CurriculaProblem,
  CurriculumModule,
  Language,
  LoadedCurricula,
  LocalizedText,
  MatchingItem,
  MatchingPair,
  ModulePage,
  ModuleTags,
  MultipleChoiceItem,
  Objective,
  OrderingItem,
  OrderingStep,
  RiskCategory,
  ScenarioChoice,
  ScenarioItem,
  ScenarioNode,
  SingleChoiceItem,
  Topic,
  TrueFalseItem,
  UkcisStrand,
  VerdictFeedback,
  VocabularyEntry,
} from './models/curriculum.model';
/** Answers in, results out. */
export type {
  AnswerFeedback,
  AttemptAnswers,
  AttemptResult,
  ItemResult,
  MasteryLevel,
  ObjectiveMastery,
} from './models/attempt.model';
/** Public (pre-submission) views. */
export type {
  PublicBandCheck,
  PublicChoice,
  PublicChoiceItem,
  PublicItem,
  PublicMatchingItem,
  PublicModule,
  PublicOrderingItem,
  PublicScenarioItem,
  PublicScenarioStep,
  PublicTrueFalseItem,
} from './models/public-item.model';

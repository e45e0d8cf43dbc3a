/**
 * @lib/curricula — loads and checks the `curricula/` folder (FORMAT.md), serves the catalog,
 * renders lesson Markdown to safe HTML, grades attempts on the server, and stores attempts.
 *
 * - {@link PlayerService}: the lesson player's rules (which module a launch opens, start/resume
 *   within the link's retry policy, save per item, submit → grade in one transaction with the
 *   {@link AttemptHooks} the app registered: grade passback, coverage delivery).
 * - {@link AttemptsService}: policies per link, class progress, item analysis, pre/post check
 *   scores, school aggregates, and `completionsSince` for @lib/messaging.
 *
 * This lib must not import @lib/lti (which imports it for the deep-linking picker): launches
 * reach it as {@link PlayerLearner}, a structural subset of LaunchContext.
 */
import type { SchemaDefinition } from '@lib/core';
import { CURRICULA_ENTITIES } from './entities/attempt.entity';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import './curricula.messages';

/** Nest module (global): `CurriculaModule.forRootAsync({ inject: [APP_CONFIG], useFactory: c => ({ dir: c.curriculaDir }) })`. */
export { CurriculaModule, type CurriculaModuleAsyncOptions } from './curricula.module';

/** Tables: attempts, their answers per item, retry policies per link. */
export const CURRICULA_SCHEMA: SchemaDefinition = {
  entities: CURRICULA_ENTITIES,
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};
export {
  AttemptEntity,
  AttemptAnswerEntity,
  AttemptPolicyEntity,
  type AttemptKind,
  type AttemptStatus,
  type ScorePolicy,
} from './entities/attempt.entity';

/** Attempts: storage, policies and the figures teachers and other libs read. */
export {
  AttemptsService,
  DEFAULT_ATTEMPT_POLICY,
  linkKeyOf,
  masteryDistribution,
  type CheckScores,
  type CompletionRecord,
  type ItemStats,
  type LearnerModuleProgress,
  type SchoolClassModule,
} from './attempts/attempts.service';
/** Where apps plug in what must commit with a grade (LMS grade outbox, coverage delivery). */
export { AttemptHooks } from './attempts/attempt-hooks';
/** The lesson player's rules. */
export {
  PlayerService,
  type BandCheckStatus,
  type GradedAttempt,
  type OpenAttempt,
} from './player/player.service';
export {
  isModuleSource,
  itemsOf,
  scenarioFinished,
  stepsOf,
  type AssessmentSource,
} from './player/player-answers.util';
export type {
  AttemptGradedEvent,
  AttemptGradedHook,
  AttemptPolicy,
  ModuleEntry,
  PlayerLearner,
  PlayerStep,
} from './models/player.model';
/** Answers as short keys (item analysis) and back into words with their misconception. */
export { answerKeyOf, describeAnswerKey } from './grading/answer-key.util';
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

/**
 * @lib/lti — LTI 1.3 Advantage: ltijs on our database (TypeORM storage plugin), registrations,
 * checked launches with per-launch tokens, deep linking, grade passback (AGS), rosters (NRPS)
 * and the sandbox LMS. The only importer of ltijs.
 */
import type { SchemaDefinition } from '@lib/core';
import { LTI_DOMAIN_ENTITIES } from './entities/lti.entities';
import { LTIJS_STORE_ENTITIES } from './entities/ltijs-store.entities';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { SandboxRecordEntity } from './sandbox/sandbox-record.entity';

/** Modules: `LtiModule` for the tool (HTTP), `LtiCoreModule` for the worker and the CLI. */
export { LtiModule, LtiCoreModule } from './lti.module';
/** Resolve a launch token (`lt`) to the typed launch context. */
export { LaunchService, type LaunchContext } from './launch/launch.service';
/** Guard + parameter decorator for pages opened from a launch (reads `lt` from query, body or X-Launch-Token). */
export { LaunchGuard, CurrentLaunch, launchTokenOf } from './launch/launch.guard';
/** Grade passback: record a score in the grading transaction; list and retry deliveries. */
export {
  GradePassbackService,
  type RecordScoreInput,
  type ScoreDeliveryView,
  type ActivityProgress,
  type GradingProgress,
} from './services/grade-passback.service';
/** NRPS rosters of classes. */
export { RosterService, type RosterMember } from './services/roster.service';
/** Registrations and deployments (admin pages, CLI, fixtures). */
export { PlatformRegistry, type PlatformInfo } from './services/platform-registry.service';
/** The sandbox LMS (tests drive it; the demo shows it). */
export {
  SandboxService,
  type SandboxClass,
  type SandboxUser,
  type SandboxLink,
} from './sandbox/sandbox.service';
/** The launch flow (benchmarks and tests read its JWKS cache statistics). */
export { LaunchFlowService } from './launch/launch-flow.service';
/** The page a learner's launch post answers with (registered by the lesson player). */
export { LaunchLandings, type LandingInput, type LandingPage } from './launch/launch-landings';
/** The ltijs storage plugin (benchmarks, tests). */
export { LtijsTypeOrmStore, LTIJS_COLLECTIONS } from './store/ltijs-typeorm.store';
export { LtiErrorCode, LtiException } from './lti.exception';
export { CLAIM, SCOPE, JOB as LTI_JOBS, LTI_PATHS } from './lti.constants';
export { signRs256 } from './util/jwt.util';
export type { ScoreDeliveryStatus } from './entities/lti.entities';
/** The periodic clean-up (tests run it directly). */
export { LtiCleanupJob } from './jobs/lti.jobs';

export const LTI_SCHEMA: SchemaDefinition = {
  entities: [...LTIJS_STORE_ENTITIES, ...LTI_DOMAIN_ENTITIES, SandboxRecordEntity],
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};

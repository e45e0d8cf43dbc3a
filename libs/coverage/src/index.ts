/**
 * @lib/coverage — deliveries, enrolment, statuses, rollups, the reporting workflow, suppression,
 * exports and reminders of campaigns (@lib/campaigns).
 *
 * For the lesson player (inside its grading transaction):
 * ```ts
 * await deliveries.recordCompletion(manager, {
 *   schoolOrgNodeId, moduleId, band: 'upper-primary', grade: 4,
 *   learnerKey: pseudonymousUserId, completedAt: new Date(), scorePercent: 80,
 * });
 * ```
 * {@link DeliveryService.recordCompletion} counts the completion for every active campaign that
 * expects the school on that day (Vietnam date), idempotent per learner + module + campaign,
 * and moves the school's counters and every rollup above it in the same transaction. It
 * returns the ids of the campaigns it counted for (empty: no campaign concerns it).
 *
 * For the LTI roster sync (NRPS), in its transaction:
 * `enrolment.upsertRosterCount(manager, { schoolOrgNodeId, contextId, band?, learners })` —
 * a school's declared counts ({@link EnrolmentService.declare}, by its admin) win over rosters.
 *
 * Reads ({@link CoverageViewService.view}), the workflow ({@link ReportsService}) and exports
 * ({@link CoverageExportService}) check {@link AccessService} on the node; above school level
 * they only give aggregates, suppressed below COVERAGE_SUPPRESSION_THRESHOLD with
 * complementary suppression. Reminders are e-mailed through the core MailService from a job
 * (stable Message-ID per reminder, the queue's retry and failure handling).
 */
import type { SchemaDefinition } from '@lib/core';
import { COVERAGE_ENTITIES } from './coverage.entities';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import './coverage.messages';

export * from './coverage.exception';
export * from './coverage.module';
export * from './delivery.service';
export * from './stats.service';
export * from './reports.service';
export * from './coverage-view.service';
export * from './exports/coverage-export.service';
export * from './jobs/coverage.jobs';
export * from './suppression.util';
export * from './entities/delivery.entity';
export * from './entities/stats.entity';
export { CONTRIBUTION_FIELDS, deriveUnit, contributionOf } from './compute.util';

export const COVERAGE_SCHEMA: SchemaDefinition = {
  entities: COVERAGE_ENTITIES,
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};

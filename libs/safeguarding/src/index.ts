/**
 * @lib/safeguarding — the concern channel: "I need help" reports from pupils (lesson player),
 * parents (public form) and online services (intake API); the safeguarding lead's queue with
 * SLA timers, escalation up the org tree and outcome back to the reporter; encrypted content,
 * an append-only hash-chained audit trail, retention with erasure, and aggregate indicators.
 *
 * - {@link ConcernReportsService}: `create` (any door), `queueFor` / `open` / `transition` /
 *   `addNote` / `auditTrail` for leads (each checks the lead's scope and is audited),
 *   `statusByReference` for reporters, `escalateOverdue` / `eraseExpired` for the jobs.
 * - {@link HelpLaunchResolver}: port the tool implements with the LTI launch (`/help?lt=`).
 * - {@link IntakeService}: `POST /api/safeguarding/v1/reports` behind an API key.
 * - {@link ConcernIndicatorsService}: counts per unit, small cells suppressed above school level.
 * - {@link ConcernNotificationsService}: each owed e-mail at most once, whatever the queue does.
 */
import type { SchemaDefinition } from '@lib/core';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { SAFEGUARDING_ENTITIES } from './safeguarding.entities';
import './safeguarding.messages';

export * from './safeguarding.constants';
export * from './safeguarding.exception';
export * from './safeguarding.module';
export * from './safeguarding.clock';
export * from './concern-reports.service';
export * from './concern-indicators.service';
export * from './concern-notifications.service';
export * from './audit/concern-audit.service';
export { canonicalJson, verifyChain, chainHash, GENESIS_HASH } from './audit/audit-chain.util';
export * from './intake/intake-keys.service';
export * from './intake/intake.service';
export {
  ReportFloodLimiter,
  HELP_FORM_LIMIT,
  HELP_STATUS_LIMIT,
  type FloodLimit,
} from './report-flood.limiter';
export { INTAKE_REPORT_SCHEMA, validateIntakeBody } from './intake/intake-schema';
export type { IntakeReportBody, SchemaProblem } from './intake/intake-schema';
export * from './help-context';
export * from './school-directory.service';
export * from './jobs/safeguarding.jobs';
export * from './cli/safeguarding.commands';
export {
  parseConcernInput,
  normaliseReferenceCode,
  looksLikeImageData,
  type ConcernInput,
  type FieldProblem,
} from './report-input.util';
export { bandOfModule, toneOfBand, canReadReport, type FormTone } from './lead-access.util';
export { addSchoolDay, triageDueAt, minutesUntil } from './sla.util';
export { formatVnDateTime, formatDuration } from './time-format.util';
export * from './entities/concern-report.entity';
export * from './entities/concern-audit.entity';
export * from './entities/concern-note.entity';
export * from './entities/concern-notification.entity';
export * from './entities/intake-key.entity';
export { SAFEGUARDING_ENTITIES } from './safeguarding.entities';

export const SAFEGUARDING_SCHEMA: SchemaDefinition = {
  entities: SAFEGUARDING_ENTITIES,
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};

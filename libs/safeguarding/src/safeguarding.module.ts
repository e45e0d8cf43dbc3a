import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConcernAuditService } from './audit/concern-audit.service';
import { SAFEGUARDING_COMMANDS } from './cli/safeguarding.commands';
import { ConcernIndicatorsService } from './concern-indicators.service';
import { ConcernNotificationsService } from './concern-notifications.service';
import { ConcernReportsService } from './concern-reports.service';
import { SAFEGUARDING_ENTITIES } from './safeguarding.entities';
import { HelpContextSealer } from './help-context';
import { IntakeKeysService } from './intake/intake-keys.service';
import { IntakeService } from './intake/intake.service';
import { SAFEGUARDING_JOBS } from './jobs/safeguarding.jobs';
import { SafeguardingClock } from './safeguarding.clock';
import { SafeguardingResolver } from './safeguarding.resolver';
import { SchoolDirectory } from './school-directory.service';
import { ReportFloodLimiter } from './report-flood.limiter';

/**
 * Concern reports, triage, escalation, audit trail, intake API keys. Pages live in the tool
 * (apps/tool/src/safeguarding); the worker gets the jobs, the CLI the commands.
 */
@Module({
  imports: [TypeOrmModule.forFeature(SAFEGUARDING_ENTITIES)],
  providers: [
    SafeguardingClock,
    ConcernAuditService,
    ConcernReportsService,
    ConcernIndicatorsService,
    ConcernNotificationsService,
    IntakeKeysService,
    IntakeService,
    HelpContextSealer,
    SchoolDirectory,
    ReportFloodLimiter,
    SafeguardingResolver,
    ...SAFEGUARDING_JOBS,
    ...SAFEGUARDING_COMMANDS,
  ],
  exports: [
    SafeguardingClock,
    ConcernAuditService,
    ConcernReportsService,
    ConcernIndicatorsService,
    ConcernNotificationsService,
    IntakeKeysService,
    IntakeService,
    HelpContextSealer,
    SchoolDirectory,
    ReportFloodLimiter,
  ],
})
export class SafeguardingModule {}

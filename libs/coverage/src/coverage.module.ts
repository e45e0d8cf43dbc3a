import { CampaignsModule } from '@lib/campaigns';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoverageRebuildCommand } from './coverage.commands';
import { CoverageResolver } from './coverage.resolver';
import { CoverageViewService } from './coverage-view.service';
import { DeliveryService, EnrolmentService } from './delivery.service';
import { COVERAGE_ENTITIES } from './coverage.entities';
import { CoverageExportService } from './exports/coverage-export.service';
import { RefreshJob, ReminderSendJob, RemindersJob } from './jobs/coverage.jobs';
import { ReportsService } from './reports.service';
import { StatsService } from './stats.service';

@Module({
  imports: [CampaignsModule, TypeOrmModule.forFeature(COVERAGE_ENTITIES)],
  providers: [
    StatsService,
    DeliveryService,
    EnrolmentService,
    ReportsService,
    CoverageViewService,
    CoverageExportService,
    CoverageResolver,
    RemindersJob,
    ReminderSendJob,
    RefreshJob,
    CoverageRebuildCommand,
  ],
  exports: [
    CampaignsModule,
    StatsService,
    DeliveryService,
    EnrolmentService,
    ReportsService,
    CoverageViewService,
    CoverageExportService,
    RemindersJob,
  ],
})
export class CoverageModule {}

import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan } from 'typeorm';
import { AuthService } from './auth/auth.service';
import { JobEntity } from './queue/job.entity';
import { JobHandler, JobRunner } from './queue/job.types';

const KEEP_FINISHED_DAYS = 14;

/** Hourly: forget finished jobs and expired sessions, so the tables stay small. */
@Injectable()
@JobHandler('core.housekeeping', { everySeconds: 3600, maxAttempts: 3 })
export class HousekeepingJob implements JobRunner {
  private readonly logger = new Logger(HousekeepingJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly auth: AuthService,
  ) {}

  async run(): Promise<void> {
    const before = new Date(Date.now() - KEEP_FINISHED_DAYS * 86_400_000);
    const jobs = await this.dataSource
      .getRepository(JobEntity)
      .delete({ status: In(['done', 'failed']), finishedAt: LessThan(before) });
    const sessions = await this.auth.purgeExpiredSessions();
    this.logger.log({
      msg: 'housekeeping',
      jobsDeleted: jobs.affected ?? 0,
      sessionsDeleted: sessions,
    });
  }
}

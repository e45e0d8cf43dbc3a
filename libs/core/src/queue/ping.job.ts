import { Injectable, Logger } from '@nestjs/common';
import { JobHandler, JobRunner } from './job.types';

/**
 * `npm run cli -- queue:ping` enqueues this; when its row turns `done`, a consumer is alive
 * and reading the queue. Operators use it after a deploy; the e2e suite uses it to prove the
 * worker path end to end.
 */
@Injectable()
@JobHandler('core.ping', { maxAttempts: 3, timeoutMs: 10_000 })
export class PingJob implements JobRunner<{ note?: string }> {
  private readonly logger = new Logger(PingJob.name);

  async run(payload: { note?: string }, ctx: { jobId: string; attempt: number }): Promise<void> {
    this.logger.log({
      msg: 'pong',
      jobId: ctx.jobId,
      attempt: ctx.attempt,
      note: payload.note ?? null,
    });
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '../config';
import { RequestContexts } from '../logging';
import { jobDuration, jobsProcessed } from '../metrics';
import { JobEntity } from './job.entity';
import {
  backoffDelay,
  JobHandlerOptions,
  JobRunner,
  PermanentJobError,
  QueueDriver,
  RetryLaterError,
} from './job.types';

export interface RegisteredHandler {
  runner: JobRunner;
  options: JobHandlerOptions & { name: string };
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * Runs one job row: claims it (so two wake-ups never run it at once), calls its handler,
 * and records the outcome; on failure it schedules the retry with exponential backoff (or the
 * handler's Retry-After) until maxAttempts, then marks it failed. Shared by both drivers.
 */
@Injectable()
export class JobProcessor {
  private readonly logger = new Logger(JobProcessor.name);
  private readonly handlers = new Map<string, RegisteredHandler>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly driver: QueueDriver,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  register(handler: RegisteredHandler): void {
    this.handlers.set(handler.options.name, handler);
  }

  handlerNames(): string[] {
    return [...this.handlers.keys()];
  }

  handlerFor(name: string): RegisteredHandler | undefined {
    return this.handlers.get(name);
  }

  async process(id: string): Promise<void> {
    const repo = this.dataSource.getRepository(JobEntity);
    const row = await repo.findOne({ where: { id } });
    if (!row || row.status === 'done' || row.status === 'failed') {
      return;
    }
    const handler = this.handlers.get(row.name);
    const timeoutMs = handler?.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const now = new Date();
    const claimed = await repo
      .createQueryBuilder()
      .update(JobEntity)
      .set({
        status: 'running',
        attempts: () => 'attempts + 1',
        lockedUntil: new Date(now.getTime() + timeoutMs + 60_000),
      })
      .where('id = :id', { id })
      .andWhere(
        new Brackets((qb) =>
          qb
            .where('status = :pending AND run_at <= :now', { pending: 'pending', now })
            .orWhere('status = :running AND locked_until < :now', { running: 'running', now }),
        ),
      )
      .execute();
    if (!claimed.affected) {
      return; // another wake-up has it, or it is not due yet
    }
    const attempt = row.attempts + 1;
    await RequestContexts.run({ correlationId: row.correlationId ?? row.id, scope: row.name }, () =>
      this.runClaimed(row, attempt, handler, timeoutMs),
    );
  }

  private async runClaimed(
    row: JobEntity,
    attempt: number,
    handler: RegisteredHandler | undefined,
    timeoutMs: number,
  ): Promise<void> {
    const stop = jobDuration.startTimer({ name: row.name });
    try {
      if (!handler) {
        throw new Error(`No handler for job "${row.name}" in this process`);
      }
      await withTimeout(
        handler.runner.run(row.payload, { jobId: row.id, attempt, maxAttempts: row.maxAttempts }),
        timeoutMs,
      );
      await this.finish(row.id, attempt, {
        status: 'done',
        finishedAt: new Date(),
        lastError: null,
      });
      jobsProcessed.inc({ name: row.name, outcome: 'done' });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentJobError;
      if (permanent || attempt >= row.maxAttempts) {
        await this.finish(row.id, attempt, {
          status: 'failed',
          finishedAt: new Date(),
          lastError: message.slice(0, 2000),
        });
        jobsProcessed.inc({ name: row.name, outcome: 'failed' });
        this.logger.error({
          msg: 'job failed',
          jobId: row.id,
          job: row.name,
          attempt,
          error: message,
        });
        return;
      }
      const backoff = backoffDelay(this.config.queue.backoffMs, attempt);
      const delay =
        err instanceof RetryLaterError && err.retryAfterMs !== undefined
          ? Math.max(err.retryAfterMs, 0)
          : backoff;
      await this.finish(row.id, attempt, {
        status: 'pending',
        runAt: new Date(Date.now() + delay),
        lastError: message.slice(0, 2000),
      });
      jobsProcessed.inc({ name: row.name, outcome: 'retry' });
      this.logger.warn({
        msg: 'job will retry',
        jobId: row.id,
        job: row.name,
        attempt,
        delayMs: delay,
        error: message,
      });
      await this.driver.push({ id: row.id, name: row.name, attempt }, delay);
    } finally {
      stop();
    }
  }

  /** Writes the outcome only if this attempt still owns the row (its lease was not taken over). */
  private async finish(id: string, attempt: number, patch: Partial<JobEntity>): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(JobEntity)
      .set({ ...patch, lockedUntil: null })
      .where('id = :id AND status = :running AND attempts = :attempt', {
        id,
        running: 'running',
        attempt,
      })
      .execute();
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Job timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

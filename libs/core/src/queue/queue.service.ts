import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, LessThanOrEqual } from 'typeorm';
import { RequestContexts } from '../logging';
import { JobEntity, JobPayload } from './job.entity';
import { JobProcessor } from './job.processor';
import { QueueDriver } from './job.types';

export interface EnqueueOptions {
  /** Write the job row inside this transaction (use {@link QueueService.transaction}). */
  manager?: EntityManager;
  delayMs?: number;
  /** Idempotent enqueue: the same key returns the existing job. */
  dedupeKey?: string;
  /** Default: the handler's `maxAttempts`, else 8. */
  maxAttempts?: number;
}

type Wake = { id: string; name: string; attempt: number; delayMs: number };

/**
 * The queue port. Enqueueing writes a job row (the outbox) and then wakes a driver; payloads
 * are ids only. Use {@link transaction} to write domain rows and their jobs atomically: the
 * wake-ups are sent only after the commit, so a worker never wakes before the row exists.
 */
@Injectable()
export class QueueService {
  private readonly logger = new Logger(QueueService.name);
  private readonly afterCommit = new WeakMap<EntityManager, Wake[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly driver: QueueDriver,
    private readonly processor: JobProcessor,
  ) {}

  get driverKind(): 'inline' | 'bull' {
    return this.driver.kind;
  }

  async enqueue(name: string, payload: JobPayload, options: EnqueueOptions = {}): Promise<string> {
    const manager = options.manager ?? this.dataSource.manager;
    const repo = manager.getRepository(JobEntity);
    if (options.dedupeKey) {
      const existing = await repo.findOne({
        where: { dedupeKey: options.dedupeKey },
        select: ['id'],
      });
      if (existing) {
        return existing.id;
      }
    }
    const delayMs = options.delayMs ?? 0;
    const row = repo.create({
      name,
      payload,
      status: 'pending',
      attempts: 0,
      maxAttempts: options.maxAttempts ?? this.processor.handlerFor(name)?.options.maxAttempts ?? 8,
      runAt: new Date(Date.now() + delayMs),
      lockedUntil: null,
      lastError: null,
      dedupeKey: options.dedupeKey ?? null,
      correlationId: RequestContexts.correlationId() ?? null,
      finishedAt: null,
    });
    try {
      await repo.insert(row);
    } catch (err) {
      if (options.dedupeKey && !options.manager) {
        // Lost a race with an identical enqueue: the other row is the job.
        const existing = await repo.findOne({
          where: { dedupeKey: options.dedupeKey },
          select: ['id'],
        });
        if (existing) {
          return existing.id;
        }
      }
      throw err;
    }
    const wake = { id: row.id, name, attempt: 0, delayMs };
    const deferred = options.manager ? this.afterCommit.get(options.manager) : undefined;
    if (deferred) {
      deferred.push(wake);
    } else if (!options.manager) {
      await this.wake(wake);
    }
    // A manager outside transaction(): the sweeper wakes the job within QUEUE_SWEEP_SECONDS.
    return row.id;
  }

  /** Runs `work` in one transaction; jobs it enqueues are woken after the commit. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const wakes: Wake[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      this.afterCommit.set(manager, wakes);
      return work(manager);
    });
    for (const w of wakes) {
      await this.wake(w);
    }
    return result;
  }

  /** Puts a failed job back to pending for another round of attempts (teacher's "retry"). */
  async retry(jobId: string): Promise<boolean> {
    const res = await this.dataSource
      .createQueryBuilder()
      .update(JobEntity)
      .set({ status: 'pending', runAt: new Date(), maxAttempts: () => 'attempts + 3' })
      .where('id = :id AND status = :failed', { id: jobId, failed: 'failed' })
      .execute();
    if (!res.affected) {
      return false;
    }
    const row = await this.dataSource.getRepository(JobEntity).findOneByOrFail({ id: jobId });
    await this.wake({ id: row.id, name: row.name, attempt: row.attempts, delayMs: 0 });
    return true;
  }

  async get(jobId: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOne({ where: { id: jobId } });
  }

  /** Waits until no job is due or running (tests, CLI). */
  async waitForIdle(timeoutMs = 30_000, names?: string[]): Promise<void> {
    const repo = this.dataSource.getRepository(JobEntity);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = await repo.count({
        where: [
          { status: 'running', ...(names ? { name: In(names) } : {}) },
          {
            status: 'pending',
            runAt: LessThanOrEqual(new Date()),
            ...(names ? { name: In(names) } : {}),
          },
        ],
      });
      if (busy === 0) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`Queue not idle after ${timeoutMs} ms (${busy} jobs due or running)`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async wake(w: Wake): Promise<void> {
    try {
      await this.driver.push({ id: w.id, name: w.name, attempt: w.attempt }, w.delayMs);
    } catch (err) {
      // The row is committed; the sweeper will wake it. Never fail the caller's request for this.
      this.logger.warn({
        msg: 'wake-up not delivered; the sweeper will retry',
        jobId: w.id,
        err: String(err),
      });
    }
  }
}

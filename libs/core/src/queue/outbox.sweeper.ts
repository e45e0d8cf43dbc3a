import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { jobsBacklog } from '../metrics';
import { JobEntity } from './job.entity';
import { QueueDriver } from './job.types';
import { BullQueueDriver } from './bull.driver';

/**
 * Finds job rows whose wake-up was lost — pending and overdue, or running with an expired
 * lease (the worker died) — and wakes them again. Runs in every consuming process; duplicate
 * wake-ups are harmless because JobProcessor claims rows atomically.
 */
@Injectable()
export class OutboxSweeper {
  private readonly logger = new Logger(OutboxSweeper.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly driver: QueueDriver,
  ) {}

  async sweep(graceMs = 5_000, batch = 1000): Promise<number> {
    const now = new Date();
    const overdue = new Date(now.getTime() - graceMs);
    const rows = await this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .select(['j.id', 'j.name', 'j.attempts'])
      .where('(j.status = :pending AND j.run_at <= :overdue)', { pending: 'pending', overdue })
      .orWhere('(j.status = :running AND j.locked_until < :now)', { running: 'running', now })
      .orderBy('j.run_at', 'ASC')
      .limit(batch)
      .getMany();
    for (const row of rows) {
      await this.driver.push({ id: row.id, name: row.name, attempt: row.attempts }, 0);
    }
    if (this.driver instanceof BullQueueDriver) {
      await this.driver.ensureRepeatables();
    }
    const backlog = await this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .where('j.status IN (:...s)', { s: ['pending', 'running'] })
      .getCount();
    jobsBacklog.set(backlog);
    if (rows.length > 0) {
      this.logger.log({ msg: 're-enqueued jobs whose wake-up was lost', count: rows.length });
    }
    return rows.length;
  }
}

import { Logger } from '@nestjs/common';
import Bull, { Queue } from 'bull';
import { QueueDriver } from './job.types';

const TICK_PREFIX = '__tick:';

/**
 * Production transport: Bull on Redis. Messages carry only the job row id; Bull's own
 * retries are off because retry and backoff are decided by JobProcessor from the row, so
 * both drivers behave the same. The Bull job id is `<row id>:<attempt>`, which makes a
 * duplicate wake-up for the same attempt a no-op while it is still in Redis.
 */
export class BullQueueDriver extends QueueDriver {
  readonly kind = 'bull' as const;
  private readonly logger = new Logger(BullQueueDriver.name);
  private readonly queue: Queue;
  private readonly ticks = new Map<string, () => Promise<void>>();
  private readonly everySeconds = new Map<string, number>();

  constructor(redisUrl: string, prefix: string) {
    super();
    this.queue = new Bull('jobs', redisUrl, {
      prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
      settings: { stalledInterval: 15_000, maxStalledCount: 2 },
    });
    this.queue.on('error', (err) => this.logger.error({ msg: 'redis error', err: err.message }));
  }

  async push(
    { id, name, attempt }: { id: string; name: string; attempt: number },
    delayMs: number,
  ): Promise<void> {
    await this.queue.add(name, { id }, { jobId: `${id}:${attempt}`, delay: Math.max(0, delayMs) });
  }

  async startConsuming(process: (id: string) => Promise<void>, concurrency: number): Promise<void> {
    void this.queue.process('*', concurrency, async (job) => {
      if (job.name.startsWith(TICK_PREFIX)) {
        const tick = this.ticks.get(job.name.slice(TICK_PREFIX.length));
        await tick?.();
        return;
      }
      await process((job.data as { id: string }).id);
    });
    await this.queue.isReady();
  }

  async schedule(name: string, everySeconds: number, tick: () => Promise<void>): Promise<void> {
    this.ticks.set(name, tick);
    this.everySeconds.set(name, everySeconds);
    await this.ensureRepeatables();
  }

  /** Re-creates repeatable jobs (idempotent); called again by the sweeper after a Redis flush. */
  async ensureRepeatables(): Promise<void> {
    for (const name of this.ticks.keys()) {
      const every = this.everySeconds.get(name);
      if (every) {
        await this.queue.add(
          `${TICK_PREFIX}${name}`,
          {},
          { repeat: { every: every * 1000 }, jobId: `tick:${name}` },
        );
      }
    }
  }

  async ping(): Promise<boolean> {
    try {
      const client = await this.queue.isReady().then((q) => q.client);
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async pendingCount(): Promise<number> {
    const counts = await this.queue.getJobCounts();
    return counts.waiting + counts.delayed + counts.active;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

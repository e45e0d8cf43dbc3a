import { Logger } from '@nestjs/common';
import { QueueDriver } from './job.types';

/**
 * The embedded default: jobs run in this process on timers, with the same claim/retry logic
 * as Bull (that lives in JobProcessor, not here). Nothing is lost when the process dies,
 * because the job rows are in the database and the sweeper wakes them up again.
 */
export class InlineQueueDriver extends QueueDriver {
  readonly kind = 'inline' as const;
  private readonly logger = new Logger(InlineQueueDriver.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiting: string[] = [];
  private readonly ticks: NodeJS.Timeout[] = [];
  private running = 0;
  private concurrency = 1;
  private processFn?: (id: string) => Promise<void>;
  private closed = false;

  async push({ id }: { id: string }, delayMs: number): Promise<void> {
    if (this.closed || this.timers.has(id) || this.waiting.includes(id)) {
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        this.waiting.push(id);
        this.drain();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  async startConsuming(process: (id: string) => Promise<void>, concurrency: number): Promise<void> {
    this.processFn = process;
    this.concurrency = concurrency;
    this.drain();
  }

  async schedule(name: string, everySeconds: number, tick: () => Promise<void>): Promise<void> {
    const timer = setInterval(() => {
      tick().catch((err: unknown) =>
        this.logger.error({ msg: 'scheduled tick failed', job: name, err }),
      );
    }, everySeconds * 1000);
    timer.unref();
    this.ticks.push(timer);
  }

  private drain(): void {
    while (
      this.processFn &&
      !this.closed &&
      this.running < this.concurrency &&
      this.waiting.length
    ) {
      const id = this.waiting.shift()!;
      this.running++;
      this.processFn(id)
        .catch((err: unknown) =>
          this.logger.error({ msg: 'job processing crashed', jobId: id, err }),
        )
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  async pendingCount(): Promise<number> {
    return this.timers.size + this.waiting.length + this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) {
      clearTimeout(t);
    }
    this.timers.clear();
    this.ticks.forEach(clearInterval);
    const deadline = Date.now() + 10_000;
    while (this.running > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

import {
  AppConfig,
  InjectConfig,
  JobHandler,
  JobRunner,
  QUEUE_ROLE,
  QueueRole,
  QueueService,
} from '@lib/core';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { MessageDeliveryService } from '../delivery/delivery.service';
import { MESSAGING_JOBS } from '../messaging.constants';
import { DigestService } from '../services/digest.service';
import { ProgressService } from '../services/progress.service';

@Injectable()
@JobHandler(MESSAGING_JOBS.dispatch, { maxAttempts: 10 })
export class DispatchJob implements JobRunner<{ messageId: string }> {
  constructor(private readonly delivery: MessageDeliveryService) {}

  async run(payload: { messageId: string }): Promise<void> {
    await this.delivery.dispatch(payload.messageId);
  }
}

/** One batch of one message. Many attempts: a batch waits out its recipients' retries. */
@Injectable()
@JobHandler(MESSAGING_JOBS.deliver, { maxAttempts: 40, timeoutMs: 15 * 60_000 })
export class DeliverJob implements JobRunner<{ batchId: string }> {
  constructor(private readonly delivery: MessageDeliveryService) {}

  async run(payload: { batchId: string }): Promise<void> {
    await this.delivery.deliverBatch(payload.batchId);
  }
}

/**
 * Every 30 s: take over batches of dead workers, and queue the digest and progress jobs of
 * the current slot (one per slot, whichever process ticks first).
 */
@Injectable()
@JobHandler(MESSAGING_JOBS.tick, { everySeconds: 30, maxAttempts: 3 })
export class TickJob implements JobRunner<Record<string, never>> {
  constructor(
    private readonly delivery: MessageDeliveryService,
    private readonly queue: QueueService,
  ) {}

  async run(): Promise<void> {
    await this.delivery.recover();
    const now = Date.now();
    const fiveMin = Math.floor(now / 300_000);
    await this.queue.enqueue(
      MESSAGING_JOBS.digests,
      { slot: fiveMin },
      { dedupeKey: `msg-digests:${fiveMin}`, maxAttempts: 3 },
    );
    const quarter = Math.floor(now / 900_000);
    await this.queue.enqueue(
      MESSAGING_JOBS.progress,
      { slot: quarter },
      { dedupeKey: `msg-progress:${quarter}`, maxAttempts: 3 },
    );
  }
}

@Injectable()
@JobHandler(MESSAGING_JOBS.digests, { maxAttempts: 3 })
export class DigestsJob implements JobRunner<{ slot: number }> {
  constructor(private readonly digests: DigestService) {}

  async run(): Promise<void> {
    await this.digests.runDue();
  }
}

@Injectable()
@JobHandler(MESSAGING_JOBS.progress, { maxAttempts: 3, timeoutMs: 15 * 60_000 })
export class ProgressJob implements JobRunner<{ slot: number }> {
  constructor(private readonly progress: ProgressService) {}

  async run(): Promise<void> {
    await this.progress.familyNotesDue();
    await this.progress.weeklyDue();
  }
}

/**
 * When a consuming process starts, batches a dead worker left behind are taken over as soon as
 * their lease can have run out, instead of waiting for the next tick.
 */
@Injectable()
export class DeliveryRecoveryOnStart implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryRecoveryOnStart.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly delivery: MessageDeliveryService,
    @Inject(QUEUE_ROLE) private readonly role: QueueRole,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.role !== 'consumer') {
      return;
    }
    const run = (): void => {
      this.delivery
        .recover()
        .catch((err: unknown) => this.logger.warn({ msg: 'recovery failed', err: String(err) }));
    };
    run();
    this.timer = setTimeout(run, this.config.messaging.leaseSeconds * 1000 + 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }
}

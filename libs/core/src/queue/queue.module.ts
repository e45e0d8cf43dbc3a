import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../config';
import { BullQueueDriver } from './bull.driver';
import { InlineQueueDriver } from './inline.driver';
import { JobProcessor } from './job.processor';
import {
  JOB_HANDLER,
  JobHandlerOptions,
  JobRunner,
  QUEUE_ROLE,
  QueueDriver,
  QueueRole,
} from './job.types';
import { OutboxSweeper } from './outbox.sweeper';
import { QueueService } from './queue.service';

@Global()
@Module({})
export class QueueModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Queue');
  private sweepTimer?: NodeJS.Timeout;

  /**
   * `consumer` processes run jobs: the worker, or the tool itself with the inline driver.
   * `producer` processes only enqueue: the tool when Bull is used, and the CLI.
   */
  static forRoot(options: { role: QueueRole | 'auto' }): DynamicModule {
    return {
      module: QueueModule,
      imports: [DiscoveryModule],
      providers: [
        {
          provide: QueueDriver,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): QueueDriver =>
            config.redisUrl
              ? new BullQueueDriver(config.redisUrl, config.queuePrefix)
              : new InlineQueueDriver(),
        },
        {
          provide: QUEUE_ROLE,
          inject: [QueueDriver],
          useFactory: (driver: QueueDriver): QueueRole =>
            options.role === 'auto'
              ? driver.kind === 'inline'
                ? 'consumer'
                : 'producer'
              : options.role,
        },
        JobProcessor,
        QueueService,
        OutboxSweeper,
      ],
      exports: [QueueService, QueueDriver, JobProcessor, OutboxSweeper, QUEUE_ROLE],
    };
  }

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly processor: JobProcessor,
    private readonly driver: QueueDriver,
    private readonly sweeper: OutboxSweeper,
    private readonly queue: QueueService,
    @Inject(QUEUE_ROLE) private readonly role: QueueRole,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const scheduled: { name: string; every: number }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as JobRunner | undefined;
      if (!instance || !wrapper.metatype) {
        continue;
      }
      const meta = Reflect.getMetadata(JOB_HANDLER, wrapper.metatype) as
        (JobHandlerOptions & { name: string }) | undefined;
      if (meta) {
        this.processor.register({ runner: instance, options: meta });
        if (meta.everySeconds) {
          scheduled.push({ name: meta.name, every: meta.everySeconds });
        }
      }
    }
    if (this.role !== 'consumer') {
      return;
    }
    await this.driver.startConsuming(
      (id) => this.processor.process(id),
      this.config.queue.concurrency,
    );
    for (const s of scheduled) {
      // One job per period, whichever process ticks first: the dedupe key names the slot.
      await this.driver.schedule(s.name, s.every, async () => {
        const slot = Math.floor(Date.now() / (s.every * 1000));
        await this.queue.enqueue(
          s.name,
          {},
          { dedupeKey: `tick:${s.name}:${slot}`, maxAttempts: 3 },
        );
      });
    }
    const sweepMs = this.config.queue.sweepSeconds * 1000;
    const tick = (): void => {
      this.sweeper
        .sweep()
        .catch((err: unknown) => this.logger.warn({ msg: 'sweep failed', err: String(err) }));
    };
    tick();
    this.sweepTimer = setInterval(tick, sweepMs);
    this.sweepTimer.unref();
    this.logger.log({
      msg: 'queue consuming',
      driver: this.driver.kind,
      handlers: this.processor.handlerNames(),
      concurrency: this.config.queue.concurrency,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.driver.close();
  }
}

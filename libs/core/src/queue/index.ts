export * from './job.entity';
export * from './job.types';
export * from './queue.service';
export * from './queue.module';
export * from './job.processor';
export * from './outbox.sweeper';

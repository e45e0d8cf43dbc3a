import 'reflect-metadata';
import { AppLogger, ConfigValidationError, installGracefulShutdown, loadConfig } from '@lib/core';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  if (!config.redisUrl) {
    process.stderr.write(
      'Configuration error: REDIS_URL is not set. The worker consumes the Bull queue; without Redis the tool runs jobs itself (inline queue), so no worker is needed.\n',
    );
    process.exit(1);
  }
  const { WorkerModule } = await import('./worker.module');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new AppLogger(config.logLevel, 'worker'),
  });
  installGracefulShutdown(app);
  new Logger('Bootstrap').log({
    msg: 'SafeNest worker is consuming jobs',
    database: config.database.type,
  });
}

bootstrap().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) {
    for (const problem of err.problems) {
      process.stderr.write(`Configuration error: ${problem}\n`);
    }
  } else {
    process.stderr.write(
      `SafeNest worker failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});

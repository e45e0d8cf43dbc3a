import 'reflect-metadata';
import {
  AppLogger,
  ConfigValidationError,
  configureHttp,
  installGracefulShutdown,
  loadConfig,
} from '@lib/core';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Loaded after the configuration is known good, so a bad value fails fast and alone.
  const { AppModule } = await import('./app.module');
  const logger = new AppLogger(config.logLevel, 'tool');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  configureHttp(app, config);
  installGracefulShutdown(app);
  await app.listen(config.port);
  new Logger('Bootstrap').log({
    msg: `SafeNest is running at ${config.publicUrl}`,
    database: config.database.type,
    queue: config.redisUrl ? 'bull' : 'inline',
    sandbox: config.sandboxEnabled,
  });
}

bootstrap().catch((err: unknown) => {
  if (err instanceof ConfigValidationError) {
    // One line per bad variable, nothing else: the operator sees exactly what to fix.
    for (const problem of err.problems) {
      process.stderr.write(`Configuration error: ${problem}\n`);
    }
  } else {
    process.stderr.write(
      `SafeNest failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});

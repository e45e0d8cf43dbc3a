import { AppConfig, configureHttp, loadConfig, QueueService } from '@lib/core';
import {
  DynamicModule,
  INestApplication,
  INestApplicationContext,
  Module,
  Provider,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../apps/tool/src/app.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';

export interface TestTool {
  app: INestApplication;
  url: string;
  config: AppConfig;
  http: ReturnType<typeof request>;
  get<T>(token: unknown): T;
  dataSource: DataSource;
  queue: QueueService;
  close(): Promise<void>;
}

function withExtras(root: DynamicModule, providers: Provider[]): DynamicModule {
  if (providers.length === 0) {
    return root;
  }
  @Module({ imports: [root], providers })
  class TestRoot {}
  return { module: TestRoot };
}

/** Boots the real tool app (same HTTP stack as main.ts) on a random port. */
export async function startTool(
  options: { env?: Record<string, string>; providers?: Provider[] } = {},
): Promise<TestTool> {
  const config = loadConfig({ ...process.env, ...(options.env ?? {}) });
  const app = await NestFactory.create<NestExpressApplication>(
    withExtras(AppModule.forRoot(config), options.providers ?? []),
    { logger: ['error'], bodyParser: false },
  );
  configureHttp(app, config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    http: request(app.getHttpServer()),
    get: <T>(token: unknown) => app.get<unknown, T>(token as never),
    dataSource: app.get(DataSource),
    queue: app.get(QueueService),
    close: () => app.close(),
  };
}

/** Boots apps/worker's module in this process (Bull consumer). */
export async function startWorker(
  options: { env?: Record<string, string>; providers?: Provider[] } = {},
): Promise<INestApplicationContext> {
  const config = loadConfig({ ...process.env, ...(options.env ?? {}) });
  const app = await NestFactory.createApplicationContext(
    withExtras(WorkerModule.forRoot(config), options.providers ?? []),
    { logger: ['error'] },
  );
  await app.init();
  return app;
}

export const usesPostgres = (): boolean => /^postgres/.test(process.env.DATABASE_URL ?? '');
export const usesRedis = (): boolean => Boolean(process.env.REDIS_URL);

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Condition not met within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

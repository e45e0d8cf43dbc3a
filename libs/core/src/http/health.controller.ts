import { Controller, Get, Headers, HttpCode, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '../config';
import { CoreErrorCode, CoreException } from '../errors';
import { metricsRegistry } from '../metrics';
import { QueueDriver } from '../queue/job.types';

/** Liveness, readiness (database and queue reachable) and Prometheus metrics. */
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly driver: QueueDriver,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const [database, queue] = await Promise.all([
      this.dataSource
        .query('SELECT 1')
        .then(() => true)
        .catch(() => false),
      withTimeout(this.driver.ping(), 2000).catch(() => false),
    ]);
    const ok = database && queue;
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      checks: {
        database: { ok: database, type: this.config.database.type },
        queue: { ok: queue, driver: this.driver.kind },
      },
    };
  }

  @Get('metrics')
  async metrics(@Res() res: Response, @Headers('authorization') auth?: string): Promise<void> {
    if (this.config.metricsToken && auth !== `Bearer ${this.config.metricsToken}`) {
      throw new CoreException(CoreErrorCode.UNAUTHENTICATED, 'Metrics need the bearer token.');
    }
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}

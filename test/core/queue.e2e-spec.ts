import { JobEntity, JobHandler, JobRunner, QueueService, RetryLaterError } from '@lib/core';
import { INestApplicationContext, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

/** Calls per payload key, shared by every app in this process (tool and worker). */
const calls = new Map<string, number>();

@Injectable()
@JobHandler('test.flaky', { maxAttempts: 4 })
class FlakyJob implements JobRunner<{
  key: string;
  failTimes: number;
  retryAfterMs: number | null;
}> {
  async run(p: { key: string; failTimes: number; retryAfterMs: number | null }): Promise<void> {
    const n = (calls.get(p.key) ?? 0) + 1;
    calls.set(p.key, n);
    if (n <= p.failTimes) {
      throw p.retryAfterMs !== null
        ? new RetryLaterError('busy', p.retryAfterMs)
        : new Error(`failure ${n}`);
    }
  }
}

const key = (): string => Math.random().toString(36).slice(2);

describe(`Queue port (${usesRedis() ? 'Bull on Redis + worker' : 'inline driver'})`, () => {
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    tool = await startTool({ providers: [FlakyJob] });
    if (usesRedis()) {
      worker = await startWorker({ providers: [FlakyJob] });
    }
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
  });

  const job = (id: string) => tool.dataSource.getRepository(JobEntity).findOneByOrFail({ id });

  it('runs an enqueued job once, in the worker when Bull is used', async () => {
    const k = key();
    const id = await tool.queue.enqueue('test.flaky', { key: k, failTimes: 0, retryAfterMs: null });
    const done = await eventually(async () =>
      (await job(id)).status === 'done' ? job(id) : undefined,
    );
    expect(done.attempts).toBe(1);
    expect(calls.get(k)).toBe(1);
    expect(tool.queue.driverKind).toBe(usesRedis() ? 'bull' : 'inline');
  });

  it('retries failures with backoff, then succeeds', async () => {
    const k = key();
    const id = await tool.queue.enqueue('test.flaky', { key: k, failTimes: 2, retryAfterMs: null });
    const done = await eventually(async () =>
      (await job(id)).status === 'done' ? job(id) : undefined,
    );
    expect(done.attempts).toBe(3);
    expect(calls.get(k)).toBe(3);
  });

  it('honours a Retry-After from the handler', async () => {
    const k = key();
    const started = Date.now();
    const id = await tool.queue.enqueue('test.flaky', { key: k, failTimes: 1, retryAfterMs: 1200 });
    await eventually(async () => (await job(id)).status === 'done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
  });

  it('marks a job failed after maxAttempts, keeps its error, and can retry it on request', async () => {
    const k = key();
    const id = await tool.queue.enqueue('test.flaky', { key: k, failTimes: 5, retryAfterMs: null });
    const failed = await eventually(async () =>
      (await job(id)).status === 'failed' ? job(id) : undefined,
    );
    expect(failed.attempts).toBe(4);
    expect(failed.lastError).toBe('failure 4');
    expect(await tool.queue.retry(id)).toBe(true);
    await eventually(async () => (await job(id)).status === 'done');
    expect(calls.get(k)).toBe(6);
  });

  it('writes jobs in the caller transaction: nothing runs when it rolls back', async () => {
    const committed = key();
    const rolledBack = key();
    const id = await tool.queue.transaction(async (m) =>
      tool.queue.enqueue(
        'test.flaky',
        { key: committed, failTimes: 0, retryAfterMs: null },
        { manager: m },
      ),
    );
    await expect(
      tool.queue.transaction(async (m) => {
        await tool.queue.enqueue(
          'test.flaky',
          { key: rolledBack, failTimes: 0, retryAfterMs: null },
          { manager: m },
        );
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await eventually(async () => (await job(id)).status === 'done');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.get(rolledBack)).toBeUndefined();
  });

  it('deduplicates by key: the same key is one job', async () => {
    const k = key();
    const a = await tool.queue.enqueue(
      'test.flaky',
      { key: k, failTimes: 0, retryAfterMs: null },
      { dedupeKey: `t:${k}` },
    );
    const b = await tool.queue.enqueue(
      'test.flaky',
      { key: k, failTimes: 0, retryAfterMs: null },
      { dedupeKey: `t:${k}` },
    );
    expect(b).toBe(a);
    await eventually(async () => (await job(a)).status === 'done');
    expect(calls.get(k)).toBe(1);
  });

  it('finds a job whose wake-up was lost and runs it exactly once (sweeper)', async () => {
    const k = key();
    // A row committed without any wake-up: what a crash between commit and push leaves behind.
    const row = tool.dataSource.getRepository(JobEntity).create({
      name: 'test.flaky',
      payload: { key: k, failTimes: 0, retryAfterMs: null },
      status: 'pending',
      attempts: 0,
      maxAttempts: 3,
      runAt: new Date(Date.now() - 60_000),
      lockedUntil: null,
      lastError: null,
      dedupeKey: null,
      correlationId: null,
      finishedAt: null,
    });
    await tool.dataSource.getRepository(JobEntity).insert(row);
    const done = await eventually(async () =>
      (await job(row.id)).status === 'done' ? job(row.id) : undefined,
    );
    expect(done.attempts).toBe(1);
    expect(calls.get(k)).toBe(1);
  });

  (usesRedis() ? it : it.skip)(
    'survives a Redis flush while jobs wait: each still runs once',
    async () => {
      await worker!.close();
      worker = undefined;
      const keys = Array.from({ length: 20 }, key);
      const ids: string[] = [];
      for (const k of keys) {
        ids.push(
          await tool.queue.enqueue('test.flaky', { key: k, failTimes: 0, retryAfterMs: null }),
        );
      }
      const redis = new Redis(process.env.REDIS_URL!);
      await redis.flushdb();
      await redis.quit();
      worker = await startWorker({ providers: [FlakyJob] });
      for (const id of ids) {
        await eventually(async () => (await job(id)).status === 'done', 20_000);
      }
      expect(keys.map((k) => calls.get(k))).toEqual(keys.map(() => 1));
    },
  );

  (usesRedis() ? it : it.skip)(
    'recovers the job of a worker that died mid-run (expired lease)',
    async () => {
      const k = key();
      const row = tool.dataSource.getRepository(JobEntity).create({
        name: 'test.flaky',
        payload: { key: k, failTimes: 0, retryAfterMs: null },
        status: 'running',
        attempts: 1,
        maxAttempts: 3,
        runAt: new Date(Date.now() - 60_000),
        lockedUntil: new Date(Date.now() - 1000),
        lastError: null,
        dedupeKey: null,
        correlationId: null,
        finishedAt: null,
      });
      await tool.dataSource.getRepository(JobEntity).insert(row);
      const done = await eventually(async () =>
        (await job(row.id)).status === 'done' ? job(row.id) : undefined,
      );
      expect(done.attempts).toBe(2);
      expect(calls.get(k)).toBe(1);
    },
  );
});

describe('Queue port as a health signal', () => {
  it('reports the driver in /health/ready', async () => {
    const tool = await startTool();
    try {
      const res = await tool.http.get('/health/ready').expect(200);
      expect(res.body.checks.queue).toEqual({ ok: true, driver: usesRedis() ? 'bull' : 'inline' });
      expect(tool.get<QueueService>(QueueService).driverKind).toBe(res.body.checks.queue.driver);
    } finally {
      await tool.close();
    }
  });
});

/*
 * One database's side of the player benchmark: boots the tool in this process on the database
 * the parent chose (DATABASE_URL is set before any lib loads: entity column types depend on
 * it), builds a class of pupils launched from the sandbox LMS, each with an answered attempt
 * ready to hand in, prints the targets as one JSON line and serves until stdin closes.
 */
import {
  AssessmentItem,
  CatalogService,
  PlayerService,
  toPublicItem,
  type PublicItem,
} from '@lib/curricula';
import { LaunchService } from '@lib/lti';
import { createTenant } from '../../test/support/fixtures';
import {
  bindSandbox,
  createPlayerClass,
  launchFromSandbox,
  scenarioPath,
} from '../../test/support/player-fixtures';
import { startTool } from '../../test/support/test-app';
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';

export const MODULE = 'up-strong-passwords';

/** The correct response in the public ids a page would post. */
function correctResponse(item: AssessmentItem, shown: PublicItem): unknown {
  switch (item.type) {
    case 'single':
      return item.options.find((o) => o.correct)!.id;
    case 'multiple':
      return item.options.filter((o) => o.correct).map((o) => o.id);
    case 'truefalse':
      return item.answer;
    case 'ordering': {
      const steps = shown.type === 'ordering' ? shown.steps : [];
      return item.steps.map((s) => steps.find((p) => p.text === s.text.vi)!.id);
    }
    case 'matching': {
      const rights = shown.type === 'matching' ? shown.rights : [];
      return Object.fromEntries(
        item.pairs.map((p) => [p.id, rights.find((r) => r.text === p.right.vi)!.id]),
      );
    }
    case 'scenario':
      return scenarioPath(item, 'correct');
  }
}

async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        await work(items[next++]);
      }
    }),
  );
}

async function main(): Promise<void> {
  const learners = Number(process.env.BENCH_LEARNERS ?? '200');
  const tool = await startTool();
  const tenant = await createTenant(tool);
  const sandbox = await bindSandbox(tool, tenant);
  const cls = await createPlayerClass(sandbox, tenant, learners);
  const module = tool.get<CatalogService>(CatalogService).get(MODULE);
  const max = module.assessment.items.reduce((s, i) => s + i.points, 0);
  const link = await sandbox.addLink(cls.classId, module.title.vi, MODULE, max);
  const player = tool.get<PlayerService>(PlayerService);
  const launches = tool.get<LaunchService>(LaunchService);
  const out: Array<{ lt: string; attemptId: string }> = [];
  // One launch at a time: on SQLite, overlapping launch transactions fail (reported to the lead).
  await pool(cls.students, 1, async (student) => {
    const { lt } = await launchFromSandbox(tool, {
      classId: cls.classId,
      userId: student.id,
      linkId: link.id,
    });
    const launch = await launches.resolve(lt);
    await player.skipPreCheck(launch, module.band);
    const attempt = await player.start(launch, MODULE);
    const open = await player.open(launch, attempt.id);
    for (const item of module.assessment.items) {
      await player.save(open, item.id, correctResponse(item, toPublicItem(item, 'vi', attempt.id)));
    }
    out.push({ lt, attemptId: attempt.id });
  });
  // BENCH_PROFILE=<file.cpuprofile>: a CPU profile of the tool while the load runs.
  const session = process.env.BENCH_PROFILE ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  process.stdout.write(
    `${JSON.stringify({
      url: tool.url,
      module: MODULE,
      pages: module.pages.length,
      items: module.assessment.items.length,
      queue: tool.queue.driverKind,
      learners: out,
    })}\n`,
  );
  // "cpu" on stdin: the tool process's CPU time so far, one JSON line. The parent asks around
  // each phase; CPU per request changes far less with the machine's other load than latency.
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'cpu') {
      const used = process.cpuUsage();
      process.stdout.write(`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000 })}\n`);
    }
  });
  process.stdin.on('end', () => {
    // The inline queue may still be posting scores to the sandbox: let it finish first.
    const idle =
      tool.queue.driverKind === 'inline' ? tool.queue.waitForIdle(60_000) : Promise.resolve();
    void idle
      .catch(() => undefined)
      .then(async () => {
        if (session) {
          const { profile } = await session.post('Profiler.stop');
          fs.writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
        }
      })
      .then(() => tool.close())
      .then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});

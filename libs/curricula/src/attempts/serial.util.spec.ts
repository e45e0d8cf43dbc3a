import { SerialQueue } from './serial.util';

describe('SerialQueue', () => {
  it('runs work one at a time, in order, and goes on after a failure', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) {
          throw new Error(name);
        }
        return name;
      };
    const results = await Promise.allSettled([
      queue.run(task('a', 20)),
      queue.run(task('b', 5, true)),
      queue.run(task('c', 1)),
    ]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

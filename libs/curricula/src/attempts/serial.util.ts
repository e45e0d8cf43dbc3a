/**
 * Runs async work one at a time. SQLite has one connection per process, and TypeORM starts
 * every transaction on it: two overlapping transactions fail with "cannot start a transaction
 * within a transaction". PostgreSQL needs no such queue.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { returnedRows, sqlTimestamp, UUID } from '../../util/sql.util';

/**
 * Marks recipients `sent` at the last moment before their end-of-data dot (ADR 0601).
 *
 * `mark(ids, claim)` resolves once the UPDATE is *in the database's hands*: on PostgreSQL the
 * statement has been written to the kernel on a dedicated connection (the server executes and
 * commits a statement it received even if this process dies right after); on SQLite it has
 * committed (better-sqlite3 is synchronous, in this process). Only then may the dots go out;
 * `done` tells which rows the UPDATE really changed (a row another run took over is not ours).
 */
export interface SentMark {
  done: Promise<Set<string>>;
}

export abstract class SentMarker {
  abstract mark(ids: string[], claim: string, at: Date): Promise<SentMark>;
  abstract close(): Promise<void>;
}

/**
 * `UPDATE … SET status = 'sent' … RETURNING id` for rows claimed by `claim`. Values are inlined
 * (checked uuids and an ISO date) so PostgreSQL gets a single simple-protocol write.
 */
export function markSentSql(
  ids: string[],
  claim: string,
  at: Date,
  postgres: boolean,
  fromStatuses: string[] = ['sending'],
): string {
  for (const id of [...ids, claim]) {
    if (!UUID.test(id)) {
      throw new Error('not a uuid'); // literals are inlined below: only uuids may get there
    }
  }
  if (!fromStatuses.every((x) => /^[a-z]+$/.test(x))) {
    throw new Error('bad status');
  }
  const list = ids.map((id) => `'${id}'`).join(',');
  const ts = sqlTimestamp(at, postgres);
  return (
    `UPDATE msg_recipient SET status = 'sent', channel = 'email', sent_at = ${ts} ` +
    `WHERE id IN (${list}) AND status IN (${fromStatuses.map((x) => `'${x}'`).join(',')}) ` +
    `AND claim_token = '${claim}' RETURNING id`
  );
}

/** PostgreSQL: one dedicated connection, one statement in flight, simple-query protocol (one write). */
export class PostgresSentMarker extends SentMarker {
  private readonly logger = new Logger(PostgresSentMarker.name);
  private client?: Client;
  private connecting?: Promise<Client>;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly url: string) {
    super();
  }

  private async connection(): Promise<Client> {
    if (this.client) {
      return this.client;
    }
    this.connecting ??= (async () => {
      const c = new Client({
        connectionString: this.url,
        application_name: 'safenest-sent-marker',
      });
      c.on('error', (err) => {
        this.logger.warn({ msg: 'sent-marker connection lost', err: err.message });
        this.client = undefined;
        this.connecting = undefined;
      });
      await c.connect();
      this.client = c;
      return c;
    })();
    try {
      return await this.connecting;
    } catch (err) {
      this.connecting = undefined;
      throw err;
    }
  }

  mark(ids: string[], claim: string, at: Date): Promise<SentMark> {
    // Serialised: the previous statement has completed, so the client is idle and query()
    // writes to the socket synchronously.
    const run = this.tail.then(async () => {
      const client = await this.connection();
      const result = client.query<{ id: string }>(markSentSql(ids, claim, at, true));
      const queued = (client as unknown as { _queryQueue?: unknown[] })._queryQueue?.length ?? 0;
      const done = result.then((r) => new Set(r.rows.map((row) => row.id)));
      if (queued > 0) {
        // Not on the wire yet (should not happen): fall back to waiting for the commit.
        await done;
      }
      return { done, settled: done.catch(() => undefined) };
    });
    this.tail = run.then(
      (r) => r.settled,
      () => undefined,
    );
    return run.then((r) => ({ done: r.done }));
  }

  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}

/** SQLite: the UPDATE commits in this process before the dots are released. */
export class SqliteSentMarker extends SentMarker {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async mark(ids: string[], claim: string, at: Date): Promise<SentMark> {
    const rows = returnedRows(await this.dataSource.query(markSentSql(ids, claim, at, false)));
    return { done: Promise.resolve(new Set(rows.map((r) => r.id))) };
  }

  async close(): Promise<void> {
    // nothing of its own
  }
}

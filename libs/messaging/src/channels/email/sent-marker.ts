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
  /** `stillSafe` is asked right before the statement goes out; false: nothing is written. */
  abstract mark(
    ids: string[],
    claim: string,
    at: Date,
    stillSafe?: () => boolean,
  ): Promise<SentMark>;
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

/**
 * One dedicated PostgreSQL connection that carries at most one marking at a time, written with
 * the simple-query protocol (a single write). Never pipelined: a process killed with unread
 * results on a socket resets it (RST), and the server then drops statements it has not read
 * yet. With one statement in flight, this process has read everything on the socket when it
 * writes, so a kill can only close it cleanly and the server executes what it received.
 */
class MarkerLane {
  private client?: Client;
  busy = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  private async connection(): Promise<Client> {
    if (!this.client) {
      const c = new Client({
        connectionString: this.url,
        application_name: 'safenest-sent-marker',
      });
      c.on('error', (err) => {
        this.logger.warn({ msg: 'sent-marker connection lost', err: err.message });
        if (this.client === c) {
          this.client = undefined;
        }
      });
      await c.connect();
      this.client = c;
    }
    return this.client;
  }

  /** Resolves once the statement is in the kernel; `done` when the server has answered. */
  async write(sql: string): Promise<{ done: Promise<Set<string>> }> {
    const client = await this.connection();
    const done = client
      .query<{ id: string }>(sql)
      .then((r) => new Set(r.rows.map((row) => row.id)));
    done.catch(() => undefined); // the caller awaits it
    const socket = (
      client as unknown as {
        connection?: { stream?: NodeJS.WritableStream & { writableLength?: number } };
      }
    ).connection?.stream;
    if (socket && (socket.writableLength ?? 0) > 0) {
      await new Promise<void>((resolve) => socket.once('drain', () => resolve()));
    }
    return { done };
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}

/** PostgreSQL: a few lanes, so several groups can be marked while earlier ones commit. */
export class PostgresSentMarker extends SentMarker {
  private readonly logger = new Logger(PostgresSentMarker.name);
  private readonly lanes: MarkerLane[];
  private readonly waiters: ((lane: MarkerLane) => void)[] = [];

  constructor(url: string, lanes = 4) {
    super();
    this.lanes = Array.from({ length: lanes }, () => new MarkerLane(url, this.logger));
  }

  private acquire(): Promise<MarkerLane> {
    const free = this.lanes.find((l) => !l.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(lane: MarkerLane): void {
    const next = this.waiters.shift();
    if (next) {
      next(lane);
    } else {
      lane.busy = false;
    }
  }

  async mark(ids: string[], claim: string, at: Date, stillSafe = () => true): Promise<SentMark> {
    const lane = await this.acquire();
    let written: { done: Promise<Set<string>> };
    try {
      if (!stillSafe()) {
        throw new Error('lease no longer safe: nothing marked');
      }
      written = await lane.write(markSentSql(ids, claim, at, true));
    } catch (err) {
      this.release(lane);
      throw err;
    }
    // The lane is free again only once its answer has been read (see MarkerLane).
    void written.done.then(
      () => this.release(lane),
      () => this.release(lane),
    );
    return { done: written.done };
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.close()));
  }
}

/** SQLite: the UPDATE commits in this process before the dots are released. */
export class SqliteSentMarker extends SentMarker {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async mark(ids: string[], claim: string, at: Date, stillSafe = () => true): Promise<SentMark> {
    if (!stillSafe()) {
      throw new Error('lease no longer safe: nothing marked');
    }
    const rows = returnedRows(await this.dataSource.query(markSentSql(ids, claim, at, false)));
    return { done: Promise.resolve(new Set(rows.map((r) => r.id))) };
  }

  async close(): Promise<void> {
    // nothing of its own
  }
}

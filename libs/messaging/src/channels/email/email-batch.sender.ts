import { AppConfig, InjectConfig } from '@lib/core';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { addressOf } from '../../util/mime.util';
import { returnedRows } from '../../util/sql.util';
import {
  markSentSql,
  PostgresSentMarker,
  SentMark,
  SentMarker,
  SqliteSentMarker,
} from './sent-marker';
import { parseSmtpUrl, SmtpPool, SmtpSendResult } from './smtp-pool';

/** One e-mail of a broadcast: the recipient row id and the finished bytes. */
export interface BatchEmail {
  recipientId: string;
  to: string;
  /** The finished bytes, built only when a session is ready to send them (memory). */
  raw: () => Buffer;
}

/**
 * What happened to one e-mail:
 * - accepted: the server answered 250 after the dot; the row is `sent`.
 * - not-sent: never reached the dot (connection, envelope refusal, lost claim); the row is
 *   still `sending` under this run's claim and the caller decides (retry, bounce).
 * - unconfirmed: the dot went out but the connection broke before the reply; the row stays
 *   `sent` (the server most likely has it; sending again could duplicate it).
 * - refused-after-dot: the row was marked `sent`, then the server refused the content (4xx or
 *   5xx reply); the caller reverts it.
 */
export interface EmailOutcome {
  recipientId: string;
  result: 'accepted' | 'unconfirmed' | 'not-sent' | 'refused-after-dot';
  smtp: SmtpSendResult;
}

/**
 * Sends a broadcast's e-mails over a pool of SMTP sessions and holds each end-of-data dot
 * until that recipient's row is marked `sent` (grouped: one UPDATE for every session waiting
 * at that moment). See ADR 0601 for what this guarantees.
 */
@Injectable()
export class EmailBatchSender implements OnModuleDestroy {
  private readonly logger = new Logger(EmailBatchSender.name);
  private pool?: SmtpPool;
  private marker?: SentMarker;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.smtpUrl);
  }

  private ensure(): { pool: SmtpPool; marker: SentMarker } {
    this.pool ??= new SmtpPool(
      parseSmtpUrl(this.config.smtpUrl!),
      this.config.messaging.smtpConnections,
    );
    this.marker ??=
      this.config.database.type === 'postgres'
        ? new PostgresSentMarker(this.config.database.url)
        : new SqliteSentMarker(this.dataSource);
    return { pool: this.pool, marker: this.marker };
  }

  /**
   * Sends `emails` (rows already `sending` under `claim`). `keepGoing()` is asked before each
   * e-mail starts (false when the batch lease was lost). Resolves when every e-mail has an outcome.
   */
  async send(
    emails: BatchEmail[],
    claim: string,
    lease: { keepGoing(): boolean; safe(): boolean },
  ): Promise<EmailOutcome[]> {
    const { pool, marker } = this.ensure();
    const from = addressOf(this.config.mailFrom);
    const gate = new DotGate(
      marker,
      claim,
      () => lease.safe(),
      (ids) => this.confirmSent(ids, claim),
      (ids) =>
        this.logger.error({
          msg: 'rows marked by another run after their dot was released (possible duplicates)',
          count: ids.length,
          recipientIds: ids.slice(0, 20),
        }),
    );
    const outcomes: EmailOutcome[] = [];
    const startedAt = Date.now();
    let next = 0;
    let connectFailures = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const email = emails[next++];
        if (!email) {
          return;
        }
        if (!lease.keepGoing() || connectFailures >= pool.size) {
          outcomes.push(notSent(email, 'delivery stopped before this e-mail'));
          continue;
        }
        const session = await pool.acquire(startedAt);
        let marked = false;
        const content = heldContent(email.raw(), async () => {
          marked = await gate.wait(email.recipientId);
          return marked;
        });
        const smtp = await session.send(from, email.to, content);
        pool.release(session);
        if (smtp.stage === 'CONN' && !smtp.ok) {
          connectFailures++;
        }
        outcomes.push({
          recipientId: email.recipientId,
          result: smtp.ok
            ? 'accepted'
            : !marked
              ? 'not-sent'
              : smtp.code >= 400
                ? 'refused-after-dot'
                : 'unconfirmed',
          smtp,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(pool.size, emails.length) }, worker));
    await gate.drain();
    return outcomes;
  }

  /** Marks (again) rows whose first UPDATE has an unknown fate; returns those marked. */
  private async confirmSent(ids: string[], claim: string): Promise<Set<string>> {
    const sql = markSentSql(ids, claim, new Date(), this.config.database.type === 'postgres', [
      'sending',
      'sent',
    ]);
    return new Set(returnedRows(await this.dataSource.query(sql)).map((r) => r.id));
  }

  async onModuleDestroy(): Promise<void> {
    this.pool?.close();
    await this.marker?.close();
  }
}

/** Code -1: this run stopped before the e-mail started (lease ending, server unreachable). */
function notSent(email: BatchEmail, why: string): EmailOutcome {
  return {
    recipientId: email.recipientId,
    result: 'not-sent',
    smtp: { ok: false, response: why, code: -1, stage: 'CONN' },
  };
}

/**
 * The message bytes as a stream that ends (which makes nodemailer write the dot) only when
 * `release()` says the row is marked. nodemailer pipes it only after the server's 354, so by
 * the time `release` is asked every byte of the content is already on its way.
 */
function heldContent(raw: Buffer, release: () => Promise<boolean>): Readable {
  let stage = 0;
  return new Readable({
    read(): void {
      if (stage === 0) {
        stage = 1;
        this.push(raw);
        return;
      }
      if (stage === 1) {
        stage = 2;
        release().then(
          (ok) => (ok ? this.push(null) : this.destroy(new Error('claim lost: not sending'))),
          (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
        );
      }
    },
  });
}

/**
 * Groups the rows whose e-mails wait for their dot into one UPDATE: everything that arrives in
 * the same turn of the event loop goes in one statement (group commit). While the batch lease
 * is safely ours the dots are released as soon as the statement is in the database's hands;
 * otherwise none is sent (the rows are retried), since a marking whose dots might not follow
 * would be a loss.
 */
class DotGate {
  private waiting: { id: string; resolve: (ok: boolean) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly marker: SentMarker,
    private readonly claim: string,
    private readonly leaseSafe: () => boolean,
    private readonly confirm: (ids: string[]) => Promise<Set<string>>,
    private readonly onLost: (ids: string[]) => void,
    /** Markings of this gate in flight at once; more waiting rows join the next one. */
    private readonly maxInFlight = 2,
  ) {}

  wait(id: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.waiting.push({ id, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.inFlight >= this.maxInFlight) {
      return;
    }
    this.scheduled = true;
    // Everything that arrives in this turn of the event loop goes in the same statement.
    setImmediate(() => {
      this.scheduled = false;
      if (this.waiting.length === 0 || this.inFlight >= this.maxInFlight) {
        return;
      }
      const group = this.waiting.splice(0);
      this.inFlight++;
      const run = this.run(group).finally(() => {
        this.inFlight--;
        this.pending.delete(run);
        this.schedule();
      });
      this.pending.add(run);
    });
  }

  private async run(group: { id: string; resolve: (ok: boolean) => void }[]): Promise<void> {
    const ids = group.map((g) => g.id);
    let mark: SentMark;
    try {
      // Unless no other run can be taking these rows over, none is sent (they are retried).
      mark = await this.marker.mark(ids, this.claim, new Date(), this.leaseSafe);
    } catch {
      // Nothing reached the database: no dot goes out, the rows stay claimed for a retry.
      group.forEach((g) => g.resolve(false));
      return;
    }
    // The marking is in the database's hands: release the dots now, in this same turn.
    group.forEach((g) => g.resolve(true));
    let mine: Set<string>;
    try {
      mine = await mark.done;
    } catch {
      // The statement's fate is unknown (connection lost): ask again, idempotently.
      mine = await this.confirm(ids).catch(() => new Set<string>());
    }
    const lost = ids.filter((id) => !mine.has(id));
    if (lost.length) {
      this.onLost(lost);
    }
  }

  async drain(): Promise<void> {
    while (this.pending.size || this.waiting.length) {
      await Promise.all([...this.pending]);
      await new Promise((r) => setImmediate(r));
    }
  }
}

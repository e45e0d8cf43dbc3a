import { AppConfig, InjectConfig } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hkdfSync } from 'node:crypto';
import { DataSource, EntityManager, MoreThan } from 'typeorm';
import { ConcernAuditEntity } from '../entities/concern-audit.entity';
import { AuditAction, AuditActorKind } from '../safeguarding.constants';
import {
  canonicalJson,
  ChainProblem,
  chainHash,
  GENESIS_HASH,
  verifyChain,
} from './audit-chain.util';

export interface AuditEntry {
  reportId: string | null;
  actorKind: AuditActorKind;
  actorId?: string | null;
  action: AuditAction;
  /** Ids, states and counts only: never what a reporter or lead wrote. */
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditVerification {
  checked: number;
  problem: ChainProblem | null;
  /** The last entry when intact: record it outside the database to detect a cut tail. */
  head?: { seq: number; hash: string };
}

// pg_advisory_xact_lock key: serialises appends across processes until the transaction ends.
const AUDIT_LOCK = 724_611_707;

/**
 * Appends to and reads the concern audit trail. There is deliberately no method that updates
 * or deletes a row: the table is append-only, chained by HMAC, and guarded by triggers.
 */
@Injectable()
export class ConcernAuditService {
  private readonly key: Buffer;
  private readonly isPostgres: boolean;
  /** SQLite has one connection: appends in this process take turns (PostgreSQL uses a lock). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() config: AppConfig,
  ) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.appSecret, 'safenest', 'concern-audit-v1', 32),
    );
    this.isPostgres = dataSource.options.type === 'postgres';
  }

  /** Appends entries in order; inside `manager`'s transaction when given. */
  async append(entries: AuditEntry | AuditEntry[], manager?: EntityManager): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) {
      return;
    }
    const work = (): Promise<void> =>
      manager
        ? this.appendWith(manager, list)
        : this.dataSource.transaction((m) => this.appendWith(m, list));
    if (this.isPostgres) {
      return work();
    }
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async appendWith(manager: EntityManager, list: AuditEntry[]): Promise<void> {
    if (this.isPostgres) {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    }
    const repo = manager.getRepository(ConcernAuditEntity);
    const [last] = await repo.find({ order: { seq: 'DESC' }, take: 1 });
    let prev = { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
    // Whole milliseconds: both databases give back exactly this instant.
    const at = new Date(Math.floor(Date.now()));
    for (const e of list) {
      const base = {
        seq: prev.seq + 1,
        reportId: e.reportId,
        actorKind: e.actorKind,
        actorId: e.actorId ?? null,
        action: e.action,
        details: canonicalJson(e.details ?? {}),
        at,
        prevHash: prev.hash,
      };
      const row = { ...base, hash: chainHash(this.key, base) };
      await repo.insert(row);
      prev = row;
    }
  }

  /** A report's trail, oldest first. */
  async forReport(reportId: string): Promise<ConcernAuditEntity[]> {
    return this.dataSource
      .getRepository(ConcernAuditEntity)
      .find({ where: { reportId }, order: { seq: 'ASC' } });
  }

  /** Walks the whole chain in pages; reports the first broken row. */
  async verify(pageSize = 2000): Promise<AuditVerification> {
    const repo = this.dataSource.getRepository(ConcernAuditEntity);
    let prev = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    for (;;) {
      const rows = await repo.find({
        where: { seq: MoreThan(prev.seq) },
        order: { seq: 'ASC' },
        take: pageSize,
      });
      if (rows.length === 0) {
        return { checked, problem: null, ...(prev.seq > 0 ? { head: prev } : {}) };
      }
      const problem = verifyChain(this.key, rows, prev);
      if (problem) {
        return { checked: checked + rows.findIndex((r) => r.seq >= problem.seq), problem };
      }
      checked += rows.length;
      const last = rows[rows.length - 1];
      prev = { seq: last.seq, hash: last.hash };
    }
  }
}

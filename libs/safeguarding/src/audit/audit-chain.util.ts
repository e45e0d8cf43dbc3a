import { createHmac } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainRow {
  seq: number;
  reportId: string | null;
  actorKind: string;
  actorId: string | null;
  action: string;
  details: string;
  at: Date;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every depth, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * HMAC-SHA256 over the row's fields and the previous hash. Keyed (from APP_SECRET) so someone
 * with write access to the database alone cannot rebuild a consistent chain after an edit.
 */
export function chainHash(key: Buffer, row: Omit<ChainRow, 'hash'>): string {
  return createHmac('sha256', key)
    .update(
      [
        row.seq,
        row.prevHash,
        row.reportId ?? '',
        row.actorKind,
        row.actorId ?? '',
        row.action,
        row.details,
        row.at.toISOString(),
      ].join('\u001f'),
    )
    .digest('hex');
}

export interface ChainProblem {
  seq: number;
  reason: 'gap' | 'prev_hash' | 'hash';
}

/**
 * Checks a run of rows in seq order, continuing from `prev` (the row before the run, or
 * nothing for the start of the chain). Returns the first problem, if any.
 */
export function verifyChain(
  key: Buffer,
  rows: ChainRow[],
  prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): ChainProblem | null {
  let expectedSeq = prev.seq + 1;
  let prevHash = prev.hash;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return { seq: expectedSeq, reason: 'gap' };
    }
    if (row.prevHash !== prevHash) {
      return { seq: row.seq, reason: 'prev_hash' };
    }
    if (chainHash(key, row) !== row.hash) {
      return { seq: row.seq, reason: 'hash' };
    }
    prevHash = row.hash;
    expectedSeq++;
  }
  return null;
}

/** Helpers for the few statements written as SQL (bulk INSERT … SELECT, group UPDATEs). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertUuid(id: string): string {
  if (!UUID.test(id)) {
    throw new Error('not a uuid');
  }
  return id;
}

/** A timestamp literal as each dialect stores it (TypeORM keeps SQLite datetimes as UTC text). */
export function sqlTimestamp(at: Date, postgres: boolean): string {
  return postgres
    ? `'${at.toISOString()}'`
    : `'${at.toISOString().replace('T', ' ').slice(0, 23)}'`;
}

/** A new random uuid computed by the database, for INSERT … SELECT of many rows. */
export function sqlNewUuid(postgres: boolean): string {
  if (postgres) {
    return 'gen_random_uuid()';
  }
  return (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || " +
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || " +
    "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
  );
}

/** Rows of an UPDATE/DELETE … RETURNING through TypeORM (PostgreSQL answers `[rows, count]`). */
export function returnedRows<T = { id: string }>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as T[];
  }
  return (Array.isArray(result) ? result : []) as T[];
}

/** Splits for IN (…) lists. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

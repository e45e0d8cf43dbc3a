import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityMetadata, ObjectLiteral, QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** One SQL statement with its parameters, built from entity metadata by {@link FastSql}. */
export interface SqlStep {
  readonly sql: string;
  readonly params: unknown[];
}

/** What a statement gave: its rows (SELECT or RETURNING) and how many rows it changed. */
export interface SqlResult {
  rows: Record<string, unknown>[];
  changes: number;
}

/**
 * The body of a transaction: yields statements, receives their results. Written once, it runs
 * synchronously on SQLite (nothing can slip in between its statements) and one awaited round
 * trip at a time on PostgreSQL.
 */
export type SqlWork<R> = Generator<SqlStep, R, SqlResult>;

interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): Record<string, unknown>[];
  run(...params: unknown[]): { changes: number };
}

interface SqliteDatabase {
  inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
}

type Entity<T> = new () => T;

const STATEMENT_CACHE = 200;
/** Longer than any transaction of ours; a nested FastSql write gives up after it. */
const SQLITE_WAIT_LIMIT_MS = 30_000;

/**
 * Hand-built statements for hot paths (the LTI launch and the lesson's first page), where
 * TypeORM's query builder costs more than the database: statements are built from the entity
 * metadata once and cached, values are encoded and decoded by TypeORM's own driver (the same
 * column formats as the repositories write), and on SQLite they run as cached better-sqlite3
 * prepared statements. Everything else keeps using repositories.
 *
 * SQLite has one connection: a TypeORM transaction awaiting between its statements would take in
 * any statement issued meanwhile. Writes here therefore wait until no transaction is open and then
 * run to the end synchronously, so a {@link transaction} is atomic by itself (ADR 0106).
 */
@Injectable()
export class FastSql {
  readonly dialect: 'sqlite' | 'postgres';
  private readonly built = new Map<string, string>();
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  // ---- statements ------------------------------------------------------------------------------

  /**
   * INSERT of the given properties (created/updated stamps filled in when not given). With
   * `onConflict: 'ignore'` a row that would break a unique key is skipped (`ON CONFLICT DO
   * NOTHING`, SQLite and PostgreSQL alike) and the result says `changes: 0`.
   */
  insert<T extends ObjectLiteral>(
    entity: Entity<T>,
    values: Partial<T>,
    options: { onConflict?: 'ignore' } = {},
  ): SqlStep {
    const meta = this.meta(entity);
    const now = new Date();
    const cols = this.columnsOf(meta, Object.keys(values));
    for (const c of meta.columns) {
      if ((c.isCreateDate || c.isUpdateDate) && !(c.propertyName in values)) {
        cols.push(c);
      }
    }
    const ignore = options.onConflict === 'ignore';
    const key = `i:${meta.tableName}:${cols.map((c) => c.propertyName).join(',')}:${ignore}`;
    const sql = this.cached(
      key,
      () =>
        `INSERT INTO ${this.q(meta.tableName)} (${cols.map((c) => this.q(c.databaseName)).join(', ')}) VALUES (${cols.map((_, i) => this.p(i)).join(', ')})` +
        (ignore ? ' ON CONFLICT DO NOTHING' : ''),
    );
    return {
      sql,
      params: cols.map((c) =>
        this.encode(
          c,
          c.propertyName in values ? (values as Record<string, unknown>)[c.propertyName] : now,
        ),
      ),
    };
  }

  /** UPDATE … SET the given properties (and the updated stamp) WHERE all of `where` match. */
  update<T extends ObjectLiteral>(entity: Entity<T>, set: Partial<T>, where: Partial<T>): SqlStep {
    const meta = this.meta(entity);
    const setCols = this.columnsOf(meta, Object.keys(set));
    const stamp = meta.columns.find((c) => c.isUpdateDate && !(c.propertyName in set));
    if (stamp) {
      setCols.push(stamp);
    }
    const w = this.where(meta, where, setCols.length);
    const key = `u:${meta.tableName}:${setCols.map((c) => c.propertyName).join(',')}:${w.key}`;
    const sql = this.cached(
      key,
      () =>
        `UPDATE ${this.q(meta.tableName)} SET ${setCols.map((c, i) => `${this.q(c.databaseName)} = ${this.p(i)}`).join(', ')} WHERE ${w.sql}`,
    );
    const now = new Date();
    return {
      sql,
      params: [
        ...setCols.map((c) =>
          this.encode(c, c === stamp ? now : (set as Record<string, unknown>)[c.propertyName]),
        ),
        ...w.params,
      ],
    };
  }

  /** SELECT the given properties (all when omitted) WHERE all of `where` match. */
  select<T extends ObjectLiteral>(
    entity: Entity<T>,
    where: Partial<T>,
    props?: (keyof T & string)[],
    options: { limit?: number; orderBy?: keyof T & string } = {},
  ): SqlStep {
    const meta = this.meta(entity);
    const cols = props ? this.columnsOf(meta, props) : meta.columns;
    const w = this.where(meta, where, 0);
    const { limit, orderBy } = options;
    const key = `s:${meta.tableName}:${props?.join(',') ?? '*'}:${w.key}:${limit ?? ''}:${orderBy ?? ''}`;
    const sql = this.cached(
      key,
      () =>
        `SELECT ${cols.map((c) => this.q(c.databaseName)).join(', ')} FROM ${this.q(meta.tableName)} WHERE ${w.sql}` +
        (orderBy ? ` ORDER BY ${this.q(this.columnsOf(meta, [orderBy])[0].databaseName)}` : '') +
        (limit ? ` LIMIT ${limit}` : ''),
    );
    return { sql, params: w.params };
  }

  /** The rows a SELECT step finds, as entities. */
  async find<T extends ObjectLiteral>(entity: Entity<T>, step: SqlStep): Promise<T[]> {
    const { rows } = await this.exec(step);
    return rows.map((r) => this.hydrate(entity, r));
  }

  /** A statement written by hand: `?` placeholders, identifiers already quoted. */
  raw(sql: string, params: unknown[]): SqlStep {
    if (this.dialect === 'sqlite') {
      return { sql, params: params.map((v) => this.encodeLoose(v)) };
    }
    const pg = this.cached(`r:${sql}`, () => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    });
    return { sql: pg, params };
  }

  /** A row as its entity's properties, decoded the way TypeORM decodes them. */
  hydrate<T extends ObjectLiteral>(entity: Entity<T>, row: Record<string, unknown>): T {
    const meta = this.meta(entity);
    const out: Record<string, unknown> = {};
    for (const c of meta.columns) {
      if (c.databaseName in row) {
        const raw = row[c.databaseName];
        out[c.propertyName] =
          raw === null || raw === undefined
            ? null
            : (this.dataSource.driver.prepareHydratedValue(raw, c) as unknown);
      }
    }
    return out as T;
  }

  /** The database name of an entity's column, for hand-written statements. */
  column<T extends ObjectLiteral>(entity: Entity<T>, prop: keyof T & string): string {
    return this.q(this.columnsOf(this.meta(entity), [prop])[0].databaseName);
  }

  table<T extends ObjectLiteral>(entity: Entity<T>): string {
    return this.q(this.meta(entity).tableName);
  }

  // ---- running ---------------------------------------------------------------------------------

  /**
   * Runs one statement on its own (autocommit). On SQLite a read runs at once (it may see what
   * an open TypeORM transaction wrote, as any TypeORM read would); a write waits for it to end.
   */
  async exec(step: SqlStep): Promise<SqlResult> {
    if (this.dialect === 'sqlite') {
      if (!this.statement(step.sql).reader) {
        await this.sqliteIdle();
      }
      return this.runSqlite(step);
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      return await this.runPg(runner, step);
    } finally {
      await runner.release();
    }
  }

  /** Runs `work` as one transaction and returns what it returns; any throw rolls it back. */
  async transaction<R>(work: () => SqlWork<R>): Promise<R> {
    if (this.dialect === 'sqlite') {
      await this.sqliteIdle();
      const db = this.sqlite();
      return db.transaction(() => {
        const gen = work();
        let next = gen.next();
        while (!next.done) {
          next = gen.next(this.runSqlite(next.value));
        }
        return next.value;
      })();
    }
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      const gen = work();
      let next = gen.next();
      while (!next.done) {
        next = gen.next(await this.runPg(runner, next.value));
      }
      await runner.commitTransaction();
      return next.value;
    } catch (err) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      throw err;
    } finally {
      await runner.release();
    }
  }

  // ---- internals -------------------------------------------------------------------------------

  private async runPg(runner: QueryRunner, step: SqlStep): Promise<SqlResult> {
    const res = (await runner.query(step.sql, step.params, true)) as {
      records?: Record<string, unknown>[];
      affected?: number;
    };
    return { rows: res.records ?? [], changes: res.affected ?? 0 };
  }

  private sqlite(): SqliteDatabase {
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteDatabase })
      .databaseConnection;
  }

  /**
   * Waits (without blocking the event loop) while a TypeORM transaction holds the connection.
   * Called from inside that transaction it would wait for itself: after SQLITE_WAIT_LIMIT_MS it
   * fails with a message that says so instead of hanging.
   */
  private async sqliteIdle(): Promise<void> {
    const db = this.sqlite();
    const started = Date.now();
    for (let spins = 0; db.inTransaction; spins++) {
      if (spins % 1000 === 999 && Date.now() - started > SQLITE_WAIT_LIMIT_MS) {
        throw new Error(
          `FastSql waited ${SQLITE_WAIT_LIMIT_MS} ms for a TypeORM transaction to end on the SQLite connection; a FastSql write must not run inside one (ADR 0106).`,
        );
      }
      await new Promise((resolve) =>
        spins < 100 ? setImmediate(resolve) : setTimeout(resolve, 1),
      );
    }
  }

  private statement(sql: string): SqliteStatement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.sqlite().prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE) {
        this.statements.delete(this.statements.keys().next().value!);
      }
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private runSqlite(step: SqlStep): SqlResult {
    const stmt = this.statement(step.sql);
    if (stmt.reader) {
      return { rows: stmt.all(...step.params), changes: 0 };
    }
    return { rows: [], changes: stmt.run(...step.params).changes };
  }

  private meta(entity: Entity<ObjectLiteral>): EntityMetadata {
    return this.dataSource.getMetadata(entity);
  }

  private columnsOf(meta: EntityMetadata, props: string[]): ColumnMetadata[] {
    return props.map((p) => {
      const c = meta.findColumnWithPropertyName(p);
      if (!c) {
        throw new Error(`${meta.name} has no column ${p}`);
      }
      return c;
    });
  }

  private where(
    meta: EntityMetadata,
    where: ObjectLiteral,
    offset: number,
  ): { sql: string; key: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    const keys: string[] = [];
    for (const [prop, value] of Object.entries(where)) {
      const [c] = this.columnsOf(meta, [prop]);
      if (value === null) {
        parts.push(`${this.q(c.databaseName)} IS NULL`);
        keys.push(`${prop}=null`);
      } else {
        parts.push(`${this.q(c.databaseName)} = ${this.p(offset + params.length)}`);
        params.push(this.encode(c, value));
        keys.push(prop);
      }
    }
    return { sql: parts.join(' AND ') || '1 = 1', key: keys.join(','), params };
  }

  private encode(c: ColumnMetadata, value: unknown): unknown {
    if (value === undefined || value === null) {
      return null;
    }
    return this.dataSource.driver.preparePersistentValue(value, c) as unknown;
  }

  /** Values of hand-written statements on SQLite: dates as TypeORM stores them, booleans 0/1. */
  private encodeLoose(v: unknown): unknown {
    if (v instanceof Date) {
      return v.toISOString().replace('T', ' ').replace('Z', '');
    }
    if (typeof v === 'boolean') {
      return v ? 1 : 0;
    }
    return v ?? null;
  }

  private cached(key: string, build: () => string): string {
    let sql = this.built.get(key);
    if (sql === undefined) {
      sql = build();
      this.built.set(key, sql);
    }
    return sql;
  }

  private q(name: string): string {
    return `"${name}"`;
  }

  private p(index: number): string {
    return this.dialect === 'postgres' ? `$${index + 1}` : '?';
  }
}

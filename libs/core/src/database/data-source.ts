import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { AppConfig } from '../config';
import { SnakeNamingStrategy } from './snake-naming.strategy';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type MigrationList = Function[];

/** A lib's share of the schema: its entities and its own migration chain per dialect. */
export interface SchemaDefinition {
  entities: EntityList;
  migrations: { sqlite: MigrationList; postgres: MigrationList };
}

/**
 * Joins libs' schemas into the app's. Each lib generates its own migrations
 * (`npm run migration:generate -- <lib> <Name>`); TypeORM orders them all by timestamp.
 */
export function mergeSchemas(...parts: SchemaDefinition[]): SchemaDefinition {
  return {
    entities: parts.flatMap((p) => p.entities as unknown[]) as EntityList,
    migrations: {
      sqlite: parts.flatMap((p) => p.migrations.sqlite),
      postgres: parts.flatMap((p) => p.migrations.postgres),
    },
  };
}

/** TypeORM options for the configured database. Never `synchronize`: migrations only. */
export function buildDataSourceOptions(
  config: Pick<AppConfig, 'database'>,
  schema: SchemaDefinition,
): DataSourceOptions {
  const db = config.database;
  if (db.type === 'postgres') {
    return {
      type: 'postgres',
      url: db.url,
      schema: db.schema,
      entities: schema.entities,
      migrations: schema.migrations.postgres,
      migrationsTableName: 'migrations',
      namingStrategy: new SnakeNamingStrategy(),
      synchronize: false,
      uuidExtension: 'pgcrypto',
      extra: { max: 10, application_name: 'safenest' },
    };
  }
  if (db.path !== ':memory:') {
    fs.mkdirSync(path.dirname(db.path), { recursive: true });
  }
  return {
    type: 'better-sqlite3',
    database: db.path,
    entities: schema.entities,
    migrations: schema.migrations.sqlite,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // WAL lets readers work while one writer commits; busy_timeout waits instead of failing
    // when the CLI or a second process touches the same file.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  };
}

const MIGRATION_LOCK = 724_611_001;

/**
 * Runs pending migrations. On PostgreSQL an advisory lock serialises several instances that
 * start together, so only one migrates and the others wait and find nothing to do.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const isPg = dataSource.options.type === 'postgres';
  const runner = dataSource.createQueryRunner();
  try {
    if (isPg) {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    }
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    if (isPg) {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
    await runner.release();
  }
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  await runMigrations(dataSource);
  return dataSource;
}

import {
  Column,
  ColumnOptions,
  CreateDateColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { databaseDialect } from '../config';

/*
 * Column types that mean the same on SQLite and PostgreSQL. Entities use these instead of raw
 * types so one entity file serves both dialects; each dialect has its own generated migrations.
 * The dialect is fixed per process (DATABASE_URL), read once when entity files load.
 */
const dialect = databaseDialect();

export const isPostgres = (): boolean => dialect === 'postgres';

/** A UTC instant: timestamptz on PostgreSQL, datetime text on SQLite. */
export function DateTimeColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return Column({ ...options, type: dialect === 'postgres' ? 'timestamptz' : 'datetime' });
}

export function CreatedAtColumn(): PropertyDecorator {
  return CreateDateColumn({ type: dialect === 'postgres' ? 'timestamptz' : 'datetime' });
}

export function UpdatedAtColumn(): PropertyDecorator {
  return UpdateDateColumn({ type: dialect === 'postgres' ? 'timestamptz' : 'datetime' });
}

/** Structured data: jsonb on PostgreSQL, JSON text on SQLite. */
export function JsonColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return Column({ ...options, type: dialect === 'postgres' ? 'jsonb' : 'simple-json' });
}

export function UuidPrimaryColumn(): PropertyDecorator {
  return PrimaryGeneratedColumn('uuid');
}

/** A reference to another row's uuid (kept as a plain column; relations are explicit joins). */
export function UuidColumn(
  options: Omit<ColumnOptions, 'type' | 'length'> = {},
): PropertyDecorator {
  return Column({
    ...options,
    type: dialect === 'postgres' ? 'uuid' : 'varchar',
    ...(dialect === 'postgres' ? {} : { length: 36 }),
  });
}

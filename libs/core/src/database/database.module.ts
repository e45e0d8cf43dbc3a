import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config';
import { buildDataSourceOptions, runMigrations, SchemaDefinition } from './data-source';
import { FastSql } from './fast-sql';

@Global()
@Module({})
export class DatabaseModule {
  /** Connects with the app's whole schema and runs migrations before anything queries. */
  static forRoot(schema: SchemaDefinition): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions(config, schema),
            // Wait for a database that is still starting; fail at once on anything else
            // (a failed migration will not fix itself by retrying).
            retryAttempts: 5,
            retryDelay: 2000,
            toRetry: (err: unknown) =>
              ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '57P03'].includes(
                (err as { code?: string })?.code ?? '',
              ),
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            const ran = await runMigrations(dataSource);
            if (ran.length > 0) {
              new Logger('Database').log({ msg: 'migrations applied', migrations: ran });
            }
            return dataSource;
          },
        }),
      ],
      providers: [FastSql],
      exports: [TypeOrmModule, FastSql],
    };
  }
}

import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessService } from './auth/access.service';
import { AuthController } from './auth/auth.controller';
import { AccountEntity, RoleBindingEntity, SessionEntity } from './auth/auth.entities';
import { AuthService } from './auth/auth.service';
import { CsrfGuard, CsrfService } from './auth/csrf';
import { SessionGuard } from './auth/session.guard';
import { AppConfig, ConfigModule } from './config';
import { FieldEncryptionService } from './crypto';
import { MailService } from './mail';
import { DatabaseModule, SchemaDefinition } from './database';
import { AllExceptionsFilter, HealthController, RateLimitGuard } from './http';
import { HousekeepingJob } from './housekeeping.job';
import { ShutdownLogger } from './shutdown.logger';
import { PingJob } from './queue/ping.job';
import { CORE_COMMANDS } from './cli/core.commands';
import { JobEntity, QueueModule, QueueRole } from './queue';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

/** Core tables; @lib/schema adds them to the app's schema. */
export const CORE_ENTITIES = [JobEntity, AccountEntity, SessionEntity, RoleBindingEntity];

export const CORE_SCHEMA: SchemaDefinition = {
  entities: CORE_ENTITIES,
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};

export interface CoreModuleOptions {
  schema: SchemaDefinition;
  /** `auto`: consume jobs only with the inline driver (the tool); the worker says `consumer`. */
  queueRole: QueueRole | 'auto';
  /** Serve HTTP concerns (health, login, filters, rate limits). */
  http: boolean;
  /** A ready configuration (tests); default: read from the environment. */
  config?: AppConfig;
}

@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    const httpProviders: Provider[] = options.http
      ? [
          { provide: APP_FILTER, useClass: AllExceptionsFilter },
          RateLimitGuard,
          { provide: APP_GUARD, useExisting: RateLimitGuard },
        ]
      : [];
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(options.config),
        DatabaseModule.forRoot(options.schema),
        QueueModule.forRoot({ role: options.queueRole }),
        TypeOrmModule.forFeature(CORE_ENTITIES),
      ],
      controllers: options.http ? [HealthController, AuthController] : [],
      providers: [
        FieldEncryptionService,
        MailService,
        AuthService,
        AccessService,
        CsrfService,
        CsrfGuard,
        SessionGuard,
        HousekeepingJob,
        ShutdownLogger,
        PingJob,
        ...CORE_COMMANDS,
        ...httpProviders,
      ],
      exports: [
        ConfigModule,
        QueueModule,
        TypeOrmModule,
        FieldEncryptionService,
        MailService,
        AuthService,
        AccessService,
        CsrfService,
        CsrfGuard,
        SessionGuard,
      ],
    };
  }
}

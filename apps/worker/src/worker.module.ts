import { APP_CONFIG, AppConfig, CoreModule } from '@lib/core';
import { CurriculaModule } from '@lib/curricula';
import { LtiCoreModule } from '@lib/lti';
import { MessagingModule } from '@lib/messaging';
import { OrgsModule } from '@lib/orgs';
import { CoverageModule } from '@lib/coverage';
import { SafeguardingModule } from '@lib/safeguarding';
import { SCHEMA } from '@lib/schema';
import { DynamicModule, Module } from '@nestjs/common';

/** Bull processors only: every lib's job handlers, no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot({ schema: SCHEMA, queueRole: 'consumer', http: false, config }),
        OrgsModule,
        CurriculaModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => ({ dir: c.curriculaDir }),
        }),
        CoverageModule,
        LtiCoreModule,
        MessagingModule,
        SafeguardingModule,
      ],
    };
  }
}

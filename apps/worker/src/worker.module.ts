import { AppConfig, CoreModule } from '@lib/core';
import { LtiCoreModule } from '@lib/lti';
import { OrgsModule } from '@lib/orgs';
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
        LtiCoreModule,
      ],
    };
  }
}

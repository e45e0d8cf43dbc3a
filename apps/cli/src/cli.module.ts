import { AppConfig, CoreModule } from '@lib/core';
import { DemoModule } from '@lib/demo';
import { LtiCoreModule } from '@lib/lti';
import { MessagingModule } from '@lib/messaging';
import { OrgsModule } from '@lib/orgs';
import { CoverageModule } from '@lib/coverage';
import { SafeguardingModule } from '@lib/safeguarding';
import { SCHEMA } from '@lib/schema';
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DemoSeedCommand } from './demo-seed.command';

/** Every lib's operator commands; enqueues jobs but never runs them. */
@Module({})
export class CliModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        CoreModule.forRoot({ schema: SCHEMA, queueRole: 'producer', http: false, config }),
        DiscoveryModule,
        OrgsModule,
        CoverageModule,
        LtiCoreModule,
        MessagingModule,
        SafeguardingModule,
        DemoModule,
      ],
      providers: [DemoSeedCommand],
    };
  }
}

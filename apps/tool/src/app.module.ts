import { APP_CONFIG, AppConfig, CoreModule } from '@lib/core';
import { CurriculaModule } from '@lib/curricula';
import { DemoModule } from '@lib/demo';
import { LtiModule } from '@lib/lti';
import { OrgsModule } from '@lib/orgs';
import { CoverageModule } from '@lib/coverage';
import { SCHEMA } from '@lib/schema';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import './account-links';
import { DemoBootstrap } from './demo.bootstrap';
import { LandingController } from './landing/landing.controller';
import { MessagingWebModule } from './messaging/messaging-web.module';
import { PlayerModule } from './player/player.module';
import { TeachModule } from './teach/teach.module';
import { CoverageController } from './coverage/coverage.controller';
import { SafeguardingPagesModule } from './safeguarding/safeguarding-pages.module';

/** The HTTP app: pages, GraphQL, health; runs jobs itself only with the inline queue. */
@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ schema: SCHEMA, queueRole: 'auto', http: true, config }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          playground: false,
          introspection: true,
          csrfPrevention: true,
          includeStacktraceInErrorResponses: false,
          context: ({ req, res }: { req: Request; res: Response }) => ({ req, res }),
        }),
        OrgsModule,
        CurriculaModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => ({ dir: c.curriculaDir }),
        }),
        // Routes match in registration order (Express walks its layers): the launch and the
        // lesson player, the hottest paths, are registered first.
        LtiModule,
        PlayerModule,
        // The concern channel serves /help, where every player page's "I need help" link goes.
        SafeguardingPagesModule,
        TeachModule,
        CoverageModule,
        MessagingWebModule,
        DemoModule,
      ],
      controllers: [LandingController, CoverageController],
      providers: [DemoBootstrap],
    };
  }
}

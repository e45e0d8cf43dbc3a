import {
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
  Injectable,
  RequestMethod,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { LtiAdminController } from './admin/lti-admin.controller';
import { LTI_COMMANDS } from './cli/lti.commands';
import { DeepLinkingController } from './deeplink/deep-linking.controller';
import { ModuleCatalog } from './deeplink/module-catalog';
import { LTI_DOMAIN_ENTITIES } from './entities/lti.entities';
import { LTIJS_STORE_ENTITIES } from './entities/ltijs-store.entities';
import { AgsScoreJob } from './jobs/ags-score.job';
import { LtiCleanupJob, NrpsSyncAllJob, NrpsSyncJob } from './jobs/lti.jobs';
import { LaunchFlowService } from './launch/launch-flow.service';
import { LaunchLandings } from './launch/launch-landings';
import { LaunchGuard } from './launch/launch.guard';
import { LaunchService } from './launch/launch.service';
import { LtiController } from './launch/lti.controller';
import { SandboxRecordEntity } from './sandbox/sandbox-record.entity';
import { SandboxController } from './sandbox/sandbox.controller';
import { SandboxService } from './sandbox/sandbox.service';
import { SandboxStore } from './sandbox/sandbox.store';
import { DynamicRegistrationService } from './services/dynamic-registration.service';
import { GradePassbackService } from './services/grade-passback.service';
import { LtijsService } from './services/ltijs.service';
import { LtiUrls } from './services/lti-urls.service';
import { PlatformHttp } from './services/platform-http.service';
import { PlatformRegistry } from './services/platform-registry.service';
import { RosterService } from './services/roster.service';
import './lti.messages';

/** Serves ltijs's own route (dynamic registration) under /lti; the keyset is ours (grace keys). */
@Injectable()
class LtijsMiddleware implements NestMiddleware {
  constructor(private readonly ltijs: LtijsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.ltijs.handle(req, res, next);
  }
}

const SERVICES = [
  LtijsService,
  LtiUrls,
  PlatformRegistry,
  PlatformHttp,
  LaunchService,
  LaunchGuard,
  GradePassbackService,
  RosterService,
  AgsScoreJob,
  NrpsSyncJob,
  NrpsSyncAllJob,
  LtiCleanupJob,
];

const ENTITIES = [...LTIJS_STORE_ENTITIES, ...LTI_DOMAIN_ENTITIES, SandboxRecordEntity];

/**
 * The worker's share: services and job handlers, no HTTP (grade passback, roster sync,
 * clean-up). The CLI adds the operator commands.
 */
@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  providers: [...SERVICES, ...LTI_COMMANDS],
  exports: [
    LaunchService,
    LaunchGuard,
    GradePassbackService,
    RosterService,
    PlatformRegistry,
    LtijsService,
  ],
})
export class LtiCoreModule {}

/**
 * LTI 1.3 Advantage for the tool app: ltijs on our database under /lti, login and launch,
 * deep linking, the registrations admin page and the sandbox LMS at /sandbox.
 */
@Module({
  imports: [TypeOrmModule.forFeature(ENTITIES)],
  controllers: [LtiController, DeepLinkingController, LtiAdminController, SandboxController],
  providers: [
    ...SERVICES,
    LaunchFlowService,
    LaunchLandings,
    DynamicRegistrationService,
    ModuleCatalog,
    SandboxStore,
    SandboxService,
  ],
  exports: [
    LaunchService,
    LaunchGuard,
    GradePassbackService,
    RosterService,
    PlatformRegistry,
    SandboxService,
    LaunchFlowService,
    LaunchLandings,
  ],
})
export class LtiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(LtijsMiddleware).forRoutes({ path: 'lti/register', method: RequestMethod.ALL });
  }
}

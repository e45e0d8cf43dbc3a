import { LtiModule } from '@lib/lti';
import { HelpLaunchResolver, SafeguardingModule } from '@lib/safeguarding';
import { Module } from '@nestjs/common';
import { HelpController } from './help.controller';
import { IntakeApiController } from './intake-api.controller';
import { LeadController } from './lead.controller';
import { LtiHelpLaunchResolver } from './lti-help-launch.resolver';

/** The concern channel's HTTP side: /help (public), /safeguarding (leads), the intake API. */
@Module({
  imports: [SafeguardingModule, LtiModule],
  controllers: [HelpController, LeadController, IntakeApiController],
  providers: [{ provide: HelpLaunchResolver, useClass: LtiHelpLaunchResolver }],
})
export class SafeguardingPagesModule {}

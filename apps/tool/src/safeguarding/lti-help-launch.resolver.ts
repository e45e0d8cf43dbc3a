import { HelpLaunch, HelpLaunchResolver } from '@lib/safeguarding';
import { LaunchService } from '@lib/lti';
import { Injectable } from '@nestjs/common';

/** The help form's view of an LTI launch token (`/help?lt=`). */
@Injectable()
export class LtiHelpLaunchResolver extends HelpLaunchResolver {
  constructor(private readonly launches: LaunchService) {
    super();
  }

  async resolve(token: string): Promise<HelpLaunch | null> {
    try {
      const c = await this.launches.resolve(token);
      return {
        schoolOrgNodeId: c.schoolOrgNodeId,
        userId: c.userId,
        displayName: c.displayName,
        locale: c.locale,
        moduleId: c.moduleId,
        learner: c.roles.learner && !c.roles.instructor && !c.roles.admin,
      };
    } catch {
      // Missing, forged or expired: the general form still works.
      return null;
    }
  }
}
